# Builds the daemon's sandbox and executes the daemon in it. Run by
#   unshare --mount --pid --net --fork --kill-child --propagation private sh -c "$this" sandbox \
#       ROOT NOFILE CAPS SETPRIV MOUNT_BIN LIBPATH {ro PATH | rw PATH | rwr PATH | ln PATH TARGET}... -- COMMAND...
# as pid 1 of a new pid namespace, in a new mount namespace whose mounts the host never sees.
# The new root is an empty tmpfs mounted on ROOT (an existing directory, hidden only in here)
# that holds just the listed paths, bound at their own names (ro: read-only; rw: read-write;
# rwr: read-write with the file systems mounted below it, for the share), the listed symlinks, the
# daemon's own /proc/self/fd as /proc, /dev/{null,zero,full,random,urandom} and a private /tmp.
# pivot_root makes it the root and the host's tree is detached, as virtiofsd does; then the
# open-file limit is capped and SETPRIV executes COMMAND with no_new_privs and CAPS as its only
# capabilities and no supplementary groups.
set -eu
root=$1 nofile=$2 caps=$3 setpriv=$4 mount_bin=$5 libpath=$6
shift 6
umount_bin=$(command -v umount)
mount -t tmpfs -o mode=0755,nosuid,nodev,size=4m fusebench-sandbox "$root"
# the private /tmp first: listed paths under the host's /tmp are bound on top of it
mkdir "$root/tmp"
mount -t tmpfs -o mode=1777,nosuid,nodev,size=512m fusebench-tmp "$root/tmp"
while [ "$1" != -- ]; do
  kind=$1 path=$2
  case $kind in
    ro|rw|rwr)
      shift 2
      if [ -d "$path" ]; then
        mkdir -p "$root$path"
      else
        mkdir -p "$root${path%/*}"
        [ -e "$root$path" ] || : > "$root$path"
      fi
      if [ "$kind" = rwr ]; then mount --rbind "$path" "$root$path"; else mount --bind "$path" "$root$path"; fi
      if [ "$kind" = ro ]; then
        mount -o remount,bind,ro,nosuid,nodev "$root$path"
      else
        mount -o remount,bind,nosuid,nodev "$root$path"
      fi
      ;;
    ln)
      mkdir -p "$root${path%/*}"
      ln -s "$3" "$root$path"
      shift 3
      ;;
    *)
      echo "sandbox: unknown entry '$kind'" >&2
      exit 2
      ;;
  esac
done
shift
mkdir -p "$root/proc" "$root/dev" "$root/.old"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
for d in null zero full random urandom; do
  : > "$root/dev/$d"
  mount --bind "/dev/$d" "$root/dev/$d"
done
mount -o remount,ro "$root"
cd "$root"
pivot_root . .old
cd /
"/.old$umount_bin" -l /.old
# no /proc/sys, /proc/sysrq-trigger or other processes: only our own descriptors (pid 1 is this
# shell, and the daemon it becomes), as virtiofsd binds /proc/self/fd over /proc. After the
# unmount above, which reads /proc/self/mountinfo; MOUNT_BIN is bound in for this (read-only;
# the daemon can mount nothing: no CAP_SYS_ADMIN, and the seccomp filter refuses mount)
"$mount_bin" --bind -o ro,nosuid,nodev,noexec /proc/1/fd /proc
# a cap: never above the hard limit this process has (raising it needs CAP_SYS_RESOURCE)
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$nofile" ]; then nofile=$hard; fi
ulimit -n "$nofile"
# the dynamic loader finds the JVM's own libraries by $ORIGIN, which it reads from /proc/self/exe: gone
export LD_LIBRARY_PATH="$libpath"
exec "$setpriv" --no-new-privs --clear-groups --inh-caps=-all --bounding-set="-all,$caps" -- "$@"
