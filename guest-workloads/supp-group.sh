#!/bin/sh
# Run in the guest by supp-group.fio. A directory only group "team" may write (root:team 0770);
# nobody is in team as a supplementary group only. Its creations there must succeed and be its
# own (the kernel sends the group with FUSE_CREATE_SUPP_GROUP, Linux 6.7+), and a directory nobody
# has no right to must stay closed. Logs one line per attempt for the host to check.
S=/mnt/share
L=$S/supp-group.log
D=$S/team
: > $L
mkdir -p /etc
grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >> /etc/group
grep -q '^team:' /etc/group 2>/dev/null || echo 'team:x:4321:nobody' >> /etc/group
rm -rf $D $S/closed
mkdir -p $D $S/closed
chown 0:4321 $D
chmod 0770 $D
chmod 0700 $S/closed
as_nobody() { su -s /bin/sh nobody -c "$1" >> $L 2>&1; echo "rc=$?" >> $L; }
echo "groups $(su -s /bin/sh nobody -c 'id -G')" >> $L
echo "== create" >> $L; as_nobody "echo data > $D/file"
echo "== mkdir" >> $L; as_nobody "mkdir $D/sub"
echo "== closed" >> $L; as_nobody "echo data > $S/closed/file"
echo SUPP-GROUP-SCRIPT-DONE >> $L
sync
