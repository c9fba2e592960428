#!/bin/sh
# Run in the guest by escape.fio. Tries to leave the share and records what came back.
# The host places in the share: abs-link -> (absolute host path of a secret outside the share),
# rel-link -> ../secret.txt, and checks afterwards that the secret was neither read nor changed
# and that nothing appeared next to the share.
S=/mnt/share
L=$S/escape.log
try() { echo "== $*" >> $L; sh -c "$*" >> $L 2>&1; echo "rc=$?" >> $L; }
: > $L
try "cat $S/abs-link"
try "cat $S/rel-link"
try "readlink $S/abs-link"
try "cat $S/../secret.txt"
try "ls -la $S/.. $S/../.."
try "ln -s ../../../../../../ $S/up && ls $S/up/"
try "cat $S/up/etc/hostname"
try "echo escaped >> $S/abs-link"
try "echo escaped >> $S/rel-link"
try "ln -s \$(readlink $S/abs-link | sed 's/secret.txt/planted.txt/') $S/plant && echo escaped > $S/plant"
try "echo x > $S/inside.txt && mv $S/inside.txt $S/../moved-out.txt"
try "ln $S/fusebench.dat $S/../hardlink-out"
try "echo linked > $S/linked.txt && ln $S/linked.txt $S/hardlink-in && stat -c 'links %h' $S/linked.txt"
try "mkdir -p $S/d/e && cd $S/d/e && cat ../../../secret.txt"
try "cd $S && cat ./../secret.txt"
try "mknod $S/blk b 8 0 && head -c 16 $S/blk | od -c"
echo ESCAPE-SCRIPT-DONE >> $L
sync
