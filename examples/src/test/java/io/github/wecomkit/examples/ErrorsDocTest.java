package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.wecomkit.error.WeComErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/errors.md must list exactly the codes of {@link WeComErrorCode}, in order, with the same facts. */
class ErrorsDocTest {
    private static final String HEADER = "| code | name | meaning | retry | exception |";

    @Test
    void errorsTable_matchesWeComErrorCodeValues() throws IOException {
        assertEquals(String.join("\n", expectedRows()), String.join("\n", tableRows(docLines())),
                "docs/errors.md differs from WeComErrorCode; regenerate its table");
    }

    @Test
    void tableRows_seeAChangedRetryClassOrAMissingRow() throws IOException {
        List<String> lines = new ArrayList<>(docLines());
        int first = lines.indexOf(HEADER) + 2;
        lines.set(first, lines.get(first).replace("| RETRY |", "| NEVER |"));
        List<String> changed = tableRows(lines);
        assertEquals(expectedRows().size(), changed.size());
        assertNotEquals(expectedRows().get(0), changed.get(0));
        lines.remove(first);
        assertEquals(expectedRows().size() - 1, tableRows(lines).size());
    }

    private static List<String> expectedRows() {
        List<String> expected = new ArrayList<>();
        for (WeComErrorCode c : WeComErrorCode.values()) {
            expected.add(c.code() + " | " + c.name() + " | " + c.meaning() + " | " + c.retry().name() + " | "
                    + c.exceptionType().getSimpleName());
        }
        return expected;
    }

    private static List<String> docLines() throws IOException {
        String dir = System.getProperty("wecomkit.docs.dir");
        assertNotNull(dir, "surefire sets wecomkit.docs.dir");
        return Files.readAllLines(Path.of(dir, "errors.md"), StandardCharsets.UTF_8);
    }

    private static List<String> tableRows(List<String> lines) {
        int header = lines.indexOf(HEADER);
        if (header < 0) {
            throw new AssertionError("docs/errors.md has no table headed " + HEADER);
        }
        List<String> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
            if (cells.length != 5) {
                throw new AssertionError("row does not have 5 cells: " + line);
            }
            List<String> clean = new ArrayList<>();
            for (String cell : cells) {
                clean.add(cell.strip().replace("`", ""));
            }
            rows.add(String.join(" | ", clean));
        }
        return rows;
    }
}
