package io.github.wecomkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The complete backend in docs/wxqy-data.md compiles against this build of the core. */
class WxQyDataDocTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\R(.*?)\\R```");

    @TempDir
    Path classes;

    @Test
    void wxQyDataDoc_completeBackend_compilesAgainstTheCore() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/wxqy-data.md").normalize();
        List<String> classBlocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
        while (m.find()) {
            if (m.group(1).contains("public final class ")) {
                classBlocks.add(m.group(1));
            }
        }

        assertEquals(1, classBlocks.size(), "docs/wxqy-data.md has one complete backend class");
        assertTrue(classBlocks.get(0).contains("client.wxQy()"), "the backend uses client.wxQy()");
        DocCompiler.compile(classBlocks.get(0), classes);
    }
}
