#!/bin/sh
# Run in the guest by remount.fio: sync, then umount and mount the virtio-fs share again in the
# same boot, as a user's remount does; the file written before must read back after.
S=/mnt/share
L=/tmp/remount.log
TAG=$(sed -n 's/.*\bfb\.tag=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "written before the remount" > $S/remount.dat
sync && echo "sync ok" > $L
cd /
if umount $S 2>>$L; then echo "umount ok" >> $L; else echo "umount failed" >> $L; fi
grep -q " $S virtiofs" /proc/mounts && echo "still mounted" >> $L
if mount -t virtiofs "$TAG" $S 2>>$L; then echo "mount ok" >> $L; else echo "mount failed" >> $L; fi
echo "read back: $(cat $S/remount.dat 2>&1)" >> $L
cat $L > $S/remount.log
echo REMOUNT-SCRIPT-DONE >> $S/remount.log
sync
