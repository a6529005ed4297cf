package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        List<String> expected = new ArrayList<>();
        for (WeComErrorCode c : WeComErrorCode.values()) {
            expected.add(c.code() + " | " + c.name() + " | " + c.meaning() + " | " + c.retry().name() + " | "
                    + c.exceptionType().getSimpleName());
        }
        assertEquals(String.join("\n", expected), String.join("\n", tableRows()),
                "docs/errors.md differs from WeComErrorCode; regenerate its table");
    }

    private static List<String> tableRows() throws IOException {
        String dir = System.getProperty("wecomkit.docs.dir");
        assertNotNull(dir, "surefire sets wecomkit.docs.dir");
        List<String> lines = Files.readAllLines(Path.of(dir, "errors.md"), StandardCharsets.UTF_8);
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
