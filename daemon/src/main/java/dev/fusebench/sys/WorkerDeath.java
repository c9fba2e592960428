package dev.fusebench.sys;

import java.util.logging.Logger;

/**
 * A serving thread that died of something unexpected (an Error, a bug) ends the daemon: a daemon
 * alive with a dead queue would leave the guest waiting for ever, where an exit is seen at once
 * (QEMU sees the socket close, as when virtiofsd exits). The shutdown hooks run (the stats are
 * written); if they hang, the process halts after 5 s.
 */
public final class WorkerDeath {
    private WorkerDeath() {}

    private static final Logger LOG = Logger.getLogger(WorkerDeath.class.getName());
    public static final int EXIT_CODE = 70; // EX_SOFTWARE

    public static void died(String who, Throwable cause) {
        LOG.severe(who + " died: " + cause + "; the daemon exits");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException ignored) {
                // halting anyway
            }
            Runtime.getRuntime().halt(EXIT_CODE);
        }, "halt");
        halt.setDaemon(true);
        halt.start();
        Thread exit = new Thread(() -> System.exit(EXIT_CODE), "exit");
        exit.setDaemon(true);
        exit.start();
    }
}
