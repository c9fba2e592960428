#!/bin/sh
# Run in the guest by panic.fio: crash the kernel (sysrq "c").
echo 1 > /proc/sys/kernel/sysrq
echo c > /proc/sysrq-trigger
