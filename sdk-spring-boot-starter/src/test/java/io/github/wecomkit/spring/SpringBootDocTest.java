package io.github.wecomkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/**
 * The property table of docs/spring-boot.md is the configuration metadata the build generates from
 * {@link WeComProperties}: the same properties, defaults and descriptions, so the page cannot drift from the code.
 * Also checks that the tests run on the Boot line their module names.
 */
class SpringBootDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(wecom\\.[a-z0-9.\\-\\[\\]]+)` \\| (.*?) \\| (.*) \\|$");

    @Test
    void thePropertyTable_isTheGeneratedMetadata() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        boolean inProperties = false;
        for (String line : Files.readAllLines(docs().resolve("spring-boot.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inProperties = line.equals("## Properties");
            }
            Matcher m = ROW.matcher(line);
            if (inProperties && m.matches()) {
                documented.put(m.group(1), m.group(2) + " | " + m.group(3));
            }
        }
        Map<String, String> generated = new LinkedHashMap<>();
        for (JsonNode p : metadata().path("properties")) {
            JsonNode value = p.path("defaultValue");
            String defaultValue = value.isMissingNode() || value.isNull() ? "" : "`" + value.asText() + "`";
            generated.put(p.path("name").asText(), defaultValue + " | " + p.path("description").asText());
        }

        assertThat(generated).isNotEmpty().containsKeys("wecom.corp-id", "wecom.secret", "wecom.callback.token");
        assertThat(documented).isEqualTo(generated);
    }

    @Test
    void theTestsRunOnTheBootLineOfTheirModule() {
        assertThat(SpringBootVersion.getVersion()).startsWith(System.getProperty("wecomkit.boot.major") + ".");
        assertThat(BootLine.MAJOR).isEqualTo(Integer.getInteger("wecomkit.boot.major"));
    }

    /** The starter's own metadata file (Boot's jars have theirs too). */
    private static JsonNode metadata() throws IOException {
        for (URL url : Collections.list(SpringBootDocTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                JsonNode json = new ObjectMapper().readTree(in);
                for (JsonNode group : json.path("groups")) {
                    if (group.path("name").asText().equals("wecom")) {
                        return json;
                    }
                }
            }
        }
        throw new AssertionError("no configuration metadata for wecom.* on the class path");
    }

    private static Path docs() {
        String dir = System.getProperty("wecomkit.docs.dir");
        assertThat(dir).as("system property wecomkit.docs.dir (set by the pom)").isNotNull();
        return Path.of(dir);
    }
}
