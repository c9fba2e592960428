#!/bin/sh
# Run in the guest by killpriv.fio. A write or truncate by a user without CAP_FSETID must clear
# setuid, and setgid when group-execute is set; root's must not. Logs "NAME MODE" per file.
S=/mnt/share
L=$S/killpriv.log
D=$S/killpriv
: > $L
mkdir -p /etc
grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >> /etc/group
rm -rf $D
mkdir -p $D
chmod 0777 $D
as_nobody() { su -s /bin/sh nobody -c "$1" >> $L 2>&1; }
mk() { echo data > $D/$1; chmod $2 $D/$1; }
mk w-suid 4777;    as_nobody "echo x >> $D/w-suid"
mk w-sgid 2777;    as_nobody "echo x >> $D/w-sgid"
mk w-sgid-nx 2767; as_nobody "echo x >> $D/w-sgid-nx"
mk rw-sgid 2777;   as_nobody "echo x 1<> $D/rw-sgid"
mk t-suid 4777;    as_nobody "truncate -s 0 $D/t-suid"
mk o-suid 4777;    as_nobody ": > $D/o-suid"
mk root-w 4777;    echo x >> $D/root-w
mk root-t 4777;    truncate -s 0 $D/root-t
echo "uid $(su -s /bin/sh nobody -c 'id -u')" >> $L
for f in w-suid w-sgid w-sgid-nx rw-sgid t-suid o-suid root-w root-t; do echo "$f $(stat -c %a $D/$f)" >> $L; done
echo KILLPRIV-SCRIPT-DONE >> $L
sync
