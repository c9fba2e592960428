package dev.fusebench.fuse;

import dev.fusebench.stats.OpcodeRecorder;
import dev.fusebench.sys.IoVecs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One serving thread's scratch, reused for every request it serves: the request, where its reply
 * goes, and the holders the file system fills (so serving allocates nothing). Not a thread itself.
 */
public final class RequestScratch {
    public final Request request;
    final IoVecs data;
    /** The current phase's recorder ({@link dev.fusebench.stats.DaemonStats#current}). */
    OpcodeRecorder recorder;
    final Entry entry;
    final Attr attr;
    final Opened opened = new Opened();
    final FsStat fsStat = new FsStat();
    final SetAttr setAttr = new SetAttr();
    final DirentWriter dirents;
    final InitInArgs initIn = new InitInArgs();

    /** What the handler made of the request being served. */
    final Outcome outcome = new Outcome();

    // the request being served
    ReplySink sink;
    MemorySegment out;
    /** End of the arguments in {@code request.in}. */
    long end;
    /** The data size a READ, WRITE or READDIR asked for, for the statistics; -1 for other requests. */
    long payloadSize;

    RequestScratch(Arena arena, OpcodeRecorder recorder) {
        this.request = new Request(new IoVecs(arena, 1024));
        this.data = new IoVecs(arena, 1024);
        this.recorder = recorder;
        this.entry = new Entry(arena);
        this.attr = new Attr(arena);
        this.dirents = new DirentWriter(arena);
    }
}
