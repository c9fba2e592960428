package dev.fusebench.proxy;

import dev.fusebench.fuse.Opcode;
import dev.fusebench.stats.DaemonStats;
import dev.fusebench.stats.JobMarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request sizes the proxy saw on the avail rings, per opcode: exact sizes and their counts, per
 * phase (a job mark starts a new one, as in the daemon's own statistics).
 */
public final class Observed {
    /**
     * One phase: its mark, its sizes per opcode, and how many of its requests could not be read (the
     * guest had freed their descriptors before the proxy looked).
     */
    public record Phase(String mark, Map<String, Map<Long, Long>> sizes, long unreadable) {}

    private final List<String> marks = new ArrayList<>(List.of(DaemonStats.FIRST_PHASE));
    private final List<Map<String, Map<Long, Long>>> sizes = new ArrayList<>(List.of(new LinkedHashMap<>()));
    private final List<Long> unreadableByPhase = new ArrayList<>(List.of(0L));

    synchronized void add(int opcode, long size) {
        sizes.getLast().computeIfAbsent(Opcode.name(opcode), k -> new TreeMap<>()).merge(size, 1L, Long::sum);
    }

    private long missed;
    private final Map<String, Long> unreadable = new TreeMap<>();

    synchronized void unreadable(String reason) {
        unreadable.merge(reason, 1L, Long::sum);
        unreadableByPhase.set(unreadableByPhase.size() - 1, unreadableByPhase.getLast() + 1);
    }

    public synchronized Map<String, Long> unreadable() { return new TreeMap<>(unreadable); }

    synchronized void missed(long n) { missed += n; }

    public synchronized long missed() { return missed; }

    /** As the daemon's phases: bounded ({@link dev.fusebench.stats.JobMarks#MAX_PHASES}), a repeated label continues its phase. */
    synchronized void mark(String label) {
        if (label.equals(marks.getLast()) || marks.size() >= JobMarks.MAX_PHASES) return;
        marks.add(label);
        sizes.add(new LinkedHashMap<>());
        unreadableByPhase.add(0L);
    }

    /** All phases together. */
    public synchronized Map<String, Map<Long, Long>> snapshot() {
        Map<String, Map<Long, Long>> all = new LinkedHashMap<>();
        for (var phase : sizes)
            phase.forEach((op, bySize) -> bySize.forEach((size, n) -> all.computeIfAbsent(op, k -> new TreeMap<>()).merge(size, n, Long::sum)));
        return all;
    }

    /** Each phase on its own, in order; empty when no mark was seen. */
    public synchronized List<Phase> phases() {
        if (marks.size() == 1) return List.of();
        List<Phase> copy = new ArrayList<>();
        for (int i = 0; i < marks.size(); i++) {
            Map<String, Map<Long, Long>> bySize = new LinkedHashMap<>();
            sizes.get(i).forEach((op, s) -> bySize.put(op, new TreeMap<>(s)));
            copy.add(new Phase(marks.get(i), bySize, unreadableByPhase.get(i)));
        }
        return copy;
    }
}
