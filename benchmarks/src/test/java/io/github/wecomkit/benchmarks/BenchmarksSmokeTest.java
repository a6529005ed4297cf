package io.github.wecomkit.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole harness for about a second per contender (no Redis: that needs a process) to prove every
 * contender works against the stub. Asserts correctness only, never speed.
 */
class BenchmarksSmokeTest {

    private static String report;

    @BeforeAll
    static void runHarness() throws Exception {
        StubWeCom.configureJdkHttpServer();
        report = Benchmarks.run(Benchmarks.Plan.smoke());
    }

    @Test
    void throughput_everyContenderAndOperation_completesCallsWithoutErrors() {
        List<String[]> rows = rows("## Throughput");
        assertEquals(8, rows.size(), report);
        for (String[] row : rows) {
            assertTrue(Double.parseDouble(row[3].replace(",", "")) > 0, "no calls: " + String.join("|", row));
            assertEquals("0", row[8], "errors: " + String.join("|", row));
        }
    }

    @Test
    void coldFleet_wecomkitInMemory_fetchesTheTokenExactlyOnce() {
        String[] row = rows("## Cold fleets").stream().filter(r -> r[1].startsWith("wecomkit"))
                .findFirst().orElseThrow();
        assertEquals("1", row[3], report);
        assertEquals("0", row[6], report);
    }

    @Test
    void persistent40014_wecomkitKeepsGettokenBounded_underBothOfWeComsAnswers() {
        List<String[]> rows = rows("## A token WeCom rejects").stream().filter(r -> r[1].startsWith("wecomkit"))
                .toList();
        assertEquals(2, rows.size(), report);
        for (String[] row : rows) {
            assertTrue(Integer.parseInt(row[3]) <= 2, "gettoken calls for 100 failing logins: " + String.join("|", row));
        }
    }

    @Test
    void fleetRefreshes_runUnderBothOfWeComsAnswers_withoutErrors() {
        List<String[]> rows = rows("## Fleet refreshes");
        assertEquals(2, rows.size(), report);
        for (String[] row : rows) {
            assertEquals("0", row[8], "errors: " + String.join("|", row));
        }
    }

    @Test
    void listenerOverhead_theListenerRecordedEveryLogin_withoutErrors() {
        String[] row = rows("## Micrometer listener").get(0);
        assertEquals("0", row[4], report);
        String[] recordedAndMade = row[5].split(" / ");
        assertTrue(Long.parseLong(recordedAndMade[1]) > 0, report);
        assertEquals(recordedAndMade[1], recordedAndMade[0], report);
    }

    @Test
    void asyncAndBlocking_atBothConcurrencies_completeWithoutErrors_withinTheConnectionLimit() {
        List<String[]> rows = rows("## Async and blocking logins");
        assertEquals(List.of("blocking 8", "async 8", "blocking 1,000", "async 1,000"),
                rows.stream().map(r -> r[1] + " " + r[2]).toList(), report);
        for (String[] row : rows) {
            assertTrue(Double.parseDouble(row[4].replace(",", "")) > 0, "no calls: " + String.join("|", row));
            assertEquals("0", row[8], "errors: " + String.join("|", row));
            int connections = Integer.parseInt(row[9]);
            assertTrue(connections >= 1 && connections <= 64, "connections: " + String.join("|", row));
        }
    }

    @Test
    void footprint_listsWecomkitAndWxJava() {
        List<String[]> rows = rows("## Runtime footprint");
        assertEquals(List.of("wecomkit-core", "wecomkit-core + wecomkit-cache-redis", "weixin-java-cp",
                        "weixin-java-cp + redisson"),
                rows.stream().map(r -> r[1]).toList(), report);
        assertTrue(rows.stream().allMatch(r -> !r[6].contains("not found")), report);
    }

    /** The table rows of one section, cells trimmed; cell 0 is empty (before the first bar). */
    private static List<String[]> rows(String section) {
        int start = report.indexOf(section);
        assertTrue(start >= 0, report);
        int end = report.indexOf("\n## ", start + 1);
        return report.substring(start, end < 0 ? report.length() : end).lines()
                .filter(line -> line.startsWith("| ") && !line.startsWith("| contender") && !line.startsWith("| library")
                        && !line.startsWith("| without") && !line.startsWith("| mode"))
                .map(line -> line.split("\\|"))
                .map(cells -> java.util.Arrays.stream(cells).map(String::trim).toArray(String[]::new))
                .toList();
    }
}
