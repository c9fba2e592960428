package dev.fusebench.jmh;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Every JMH benchmark runs once in a tiny configuration, so none rots. Figures come from full runs, never from here. */
class JmhSmokeTest {
    @Test
    void everyBenchmarkRuns() throws Exception {
        Options opt = new OptionsBuilder()
                .include("dev\\.fusebench\\.jmh\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(20))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        Set<String> names = results.stream().map(r -> r.getParams().getBenchmark().replaceAll(".*\\.jmh\\.", "")).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("ParseBenchmark.read", "ParseBenchmark.writeHeader", "ParseBenchmark.lookup",
                "ParseBenchmark.init", "ParseBenchmark.batchForget32", "EncodeBenchmark.entry", "ChainBenchmark.walk",
                "StatsBenchmark.recordRead")), names.toString());
        assertEquals(6, results.stream().filter(r -> r.getParams().getBenchmark().endsWith("ChainBenchmark.walk")).count(),
                "1, 17, 257 descriptors, direct and indirect");
        for (RunResult r : results) assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark());
    }
}
