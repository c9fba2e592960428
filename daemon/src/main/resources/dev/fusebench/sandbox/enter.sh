# Builds the daemon's sandbox and executes the daemon in it. Run by
#   unshare --mount --pid --fork --kill-child --propagation private sh -c "$this" sandbox \
#       ROOT NOFILE CAPS SETPRIV {ro PATH | rw PATH | rwr PATH | ln PATH TARGET}... -- COMMAND...
# as pid 1 of a new pid namespace, in a new mount namespace whose mounts the host never sees.
# The new root is an empty tmpfs mounted on ROOT (an existing directory, hidden only in here)
# that holds just the listed paths, bound at their own names (ro: read-only; rw: read-write;
# rwr: read-write with the file systems mounted below it, for the share), the listed symlinks, a
# fresh /proc of the new pid namespace, /dev/{null,zero,full,random,urandom} and a private /tmp.
# pivot_root makes it the root and the host's tree is detached, as virtiofsd does; then the
# open-file limit is capped and SETPRIV executes COMMAND with no_new_privs and CAPS as its only
# capabilities.
set -eu
root=$1 nofile=$2 caps=$3 setpriv=$4
shift 4
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
# a cap: never above the hard limit this process has (raising it needs CAP_SYS_RESOURCE)
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$nofile" ]; then nofile=$hard; fi
ulimit -n "$nofile"
exec "$setpriv" --no-new-privs --clear-groups --inh-caps=-all --bounding-set="-all,$caps" -- "$@"
