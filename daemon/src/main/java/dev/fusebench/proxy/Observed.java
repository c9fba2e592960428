package dev.fusebench.proxy;

import dev.fusebench.fuse.Opcode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Request sizes the proxy saw on the avail rings, per opcode: a histogram of exact sizes. */
final class Observed {
    private final Map<String, TreeMap<Long, Long>> sizes = new LinkedHashMap<>();

    synchronized void add(int opcode, long size) {
        sizes.computeIfAbsent(Opcode.name(opcode), k -> new TreeMap<>()).merge(size, 1L, Long::sum);
    }

    synchronized Map<String, Map<Long, Long>> snapshot() {
        Map<String, Map<Long, Long>> copy = new LinkedHashMap<>();
        sizes.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
        return copy;
    }
}
