package dev.fusebench.passthrough;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Ids the kernel holds (node ids, file handles) to counted descriptors. An id is
 * {@code generation << 32 | (slot + 1)}: finding an entry is an array read (no boxing, no
 * allocation), and a stale or forged id misses instead of reaching whatever reuses the slot.
 * Inserts and removals take the lock; {@link #acquire} takes none.
 */
final class SlotTable<T extends Counted> {
    interface Maker<T> { T make(long id); }

    private volatile AtomicReferenceArray<T> slots = new AtomicReferenceArray<>(1024);
    private int[] generations = new int[1024];
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int nextSlot;
    private int live;

    /** The entry with this id with a reference taken for the caller, or null. */
    T acquire(long id) {
        T e = peek(id);
        return e != null && e.tryAcquire() ? e : null;
    }

    /** The entry with this id, no reference taken: to use its descriptor, {@link #acquire} it. */
    T peek(long id) {
        long slot = (id & 0xffffffffL) - 1;
        AtomicReferenceArray<T> s = slots;
        if (slot < 0 || slot >= s.length()) return null;
        T e = s.get((int) slot);
        return e != null && e.id() == id ? e : null;
    }

    synchronized T insert(Maker<T> maker) {
        int slot = free.isEmpty() ? nextSlot++ : free.pop();
        ensureCapacity(slot + 1);
        T e = maker.make(((generations[slot] & 0x7fffffffL) << 32) | (slot + 1L)); // ids stay positive
        slots.set(slot, e);
        live++;
        return e;
    }

    /** Takes the entry out of the table; the caller drops the table's reference. Null when absent. */
    synchronized T remove(long id) {
        T e = peek(id);
        if (e == null) return null;
        int slot = (int) ((id & 0xffffffffL) - 1);
        slots.set(slot, null);
        generations[slot]++;
        free.push(slot);
        live--;
        return e;
    }

    /** Every entry, taken out of the table; the caller drops the table's references. */
    synchronized List<T> removeAll() { return removeAllBut(0); }

    /** Every entry but the one with id {@code keep}, taken out of the table, as {@link #removeAll}. */
    synchronized List<T> removeAllBut(long keep) {
        List<T> out = new ArrayList<>();
        AtomicReferenceArray<T> s = slots;
        for (int i = 0; i < s.length(); i++) {
            T e = s.get(i);
            if (e != null && e.id() != keep) { out.add(e); remove(e.id()); }
        }
        return out;
    }

    synchronized int size() { return live; }

    private void ensureCapacity(int n) {
        AtomicReferenceArray<T> s = slots;
        if (n <= s.length()) return;
        int cap = Math.max(n, s.length() * 2);
        AtomicReferenceArray<T> bigger = new AtomicReferenceArray<>(cap);
        for (int i = 0; i < s.length(); i++) bigger.set(i, s.get(i));
        generations = Arrays.copyOf(generations, cap);
        slots = bigger;
    }
}
