package io.github.wecomkit.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.consumer.DocSnippets.Block;
import io.github.wecomkit.consumer.DocSnippets.Snippet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The extractor finds the docs' snippets where the markers say, and the project made of them follows the docs. */
class DocSnippetsTest {
    private final Path root = Path.of(System.getProperty("consumer.root")).toAbsolutePath().normalize();
    private final String readme = DocSnippets.read(root.resolve("README.md"));

    @Test
    void theReadmeQuickStart_isExtracted_asTheWholeFileItIs() {
        Snippet quickStart = only(DocSnippets.snippets("README.md", readme), "src/main/java/LoginService.java");
        assertTrue(quickStart.body().contains("public class LoginService {"), quickStart.body());
        assertTrue(quickStart.body().contains(".secret(System.getenv(\"WECOM_SECRET\"))"), quickStart.body());
        assertTrue(readme.contains("```java\n" + quickStart.body() + "```\n"), "exactly the fenced text");
    }

    @Test
    void aChangedReadmeSnippet_changesTheConsumerProject() {
        String changed = readme.replace("\"ww0123456789abcdef\"", "\"wwchanged\"");
        Snippet quickStart = only(DocSnippets.snippets("README.md", changed), "src/main/java/LoginService.java");
        assertTrue(quickStart.body().contains(".corpId(\"wwchanged\")"), quickStart.body());
        String source = ConsumerProject.of(DocSnippets.snippets("README.md", changed), rootPom()).sources()
                .get("src/main/java/LoginService.java");
        assertTrue(source.contains(".corpId(\"wwchanged\")"), source);
    }

    /** A snippet added to these pages without a marker would silently stay out of the consumer build. */
    @Test
    void everyJavaAndXmlBlock_ofTheFullyCoveredPages_isInTheConsumerBuild() {
        List<String> unmarked = new ArrayList<>();
        for (String page : DocSnippets.FULLY_COVERED) {
            for (Block block : DocSnippets.blocks(page, DocSnippets.read(root.resolve(page)))) {
                if ((block.language().equals("java") || block.language().equals("xml")) && block.marker() == null) {
                    unmarked.add(page + ":" + block.line());
                }
            }
        }
        assertEquals(List.of(), unmarked, "mark these blocks with <!-- consumer: ... --> (see DocSnippets)");
    }

    @Test
    void theDocs_showTheJUnitVersionThisBuildTestsWith() {
        Pattern junit = Pattern.compile("<artifactId>junit-jupiter</artifactId>\\s*<version>([^<]+)</version>");
        int found = 0;
        for (Snippet s : DocSnippets.all(root)) {
            Matcher m = junit.matcher(s.body());
            while (m.find()) {
                assertEquals(System.getProperty("consumer.junitVersion"), m.group(1), s.where());
                found++;
            }
        }
        assertTrue(found >= 2, "the README and docs/testing.md say which JUnit to add: " + found);
    }

    @Test
    void theQuickStartsSnippets_areOneMethod_thatDeclaresEachVariableOnce() {
        Map<String, String> sources = project().sources();
        for (String file : List.of("src/main/java/QuickStartDoc.java", "src/main/java/QuickStartZhDoc.java")) {
            String source = sources.get(file);
            assertNotNull(source, file + ": " + sources.keySet());
            assertEquals(1, count(source, "static void logIn(String code)"), source);
            assertEquals(1, count(source, "LoginSession session ="), source);
            assertTrue(source.indexOf("WeComClient client =") < source.indexOf("client.login(code)"), source);
        }
    }

    @Test
    void theProject_hasTheDocsDependencies_once_andThisBuildsPluginVersions() {
        String pom = project().pom();
        for (String artifactId : List.of("wecomkit-bom", "wecomkit-core", "wecomkit-cache-redis", "wecomkit-testkit",
                "junit-jupiter")) {
            assertEquals(1, count(pom, "<artifactId>" + artifactId + "</artifactId>"), artifactId + " in\n" + pom);
        }
        assertTrue(pom.contains("<argLine>-Dsun.net.httpserver.nodelay=true</argLine>"), pom);
        String surefire = ConsumerProject.pluginVersions(rootPom()).get("maven-surefire-plugin");
        assertTrue(pom.contains("<artifactId>maven-surefire-plugin</artifactId>\n          <version>" + surefire), pom);
        assertTrue(project().sources().containsKey("src/test/java/LoginServiceTest.java"));
    }

    @Test
    void twoPagesThatDisagreeOnADependency_fail() {
        String a = "<!-- consumer: pom.xml -->\n```xml\n<dependency><groupId>g</groupId><artifactId>a</artifactId>"
                + "<scope>test</scope></dependency>\n```\n";
        String b = a.replace("test", "runtime");
        List<Snippet> snippets = new ArrayList<>(DocSnippets.snippets("a.md", a));
        assertEquals(1, count(ConsumerProject.of(concat(snippets, DocSnippets.snippets("a2.md", a)), rootPom()).pom(),
                "<artifactId>a</artifactId>"), "the same declaration twice is one");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConsumerProject.of(concat(snippets, DocSnippets.snippets("b.md", b)), rootPom()));
        assertTrue(e.getMessage().startsWith("b.md:2: g:a:jar: is declared differently"), e.getMessage());
    }

    @Test
    void badMarkers_sayWhereAndWhy() {
        assertMarkerError("<!-- consumer: pom.xml -->\ntext\n```xml\n<a/>\n```\n", "x.md:1: marker without a fenced block");
        assertMarkerError("<!-- consumer: pom.xml -->\n", "x.md:1: marker without a fenced block");
        assertMarkerError("<!-- consumer: lib/X.java -->\n```java\nclass X {}\n```\n", "goes to pom.xml or to");
        assertMarkerError("<!-- consumer: pom.xml -->\n```java\nclass X {}\n```\n", "pom.xml takes ```xml blocks");
        assertMarkerError("<!-- consumer: src/main/java/X.java#m(String s -->\n```java\nm();\n```\n",
                "cannot read the marker");
        assertMarkerError("```java\nclass X {}\n", "x.md:1: fenced block never closed");
        assertEquals(List.of(), DocSnippets.snippets("x.md", "<!-- consumer: none (shell) -->\n```java\n...\n```\n"));
    }

    @Test
    void statementSnippets_becomeMethods_withTheirImportsHoisted() {
        String md = "<!-- consumer: src/test/java/T.java#a(int x) imports=java.net.URI -->\n```java\n"
                + "import java.io.File;\nint y = x;\n```\n\n<!-- consumer: src/test/java/T.java#a(int x) -->\n"
                + "```java\nint z = y;\n```\n";
        String source = ConsumerProject.of(DocSnippets.snippets("t.md", md), rootPom()).sources()
                .get("src/test/java/T.java");
        assertTrue(source.contains("import java.net.URI;\nimport java.io.File;\n"), source);
        assertTrue(source.contains("import io.github.wecomkit.testkit.*;"), source);
        assertTrue(source.contains("class T {\n    static void a(int x) throws Exception {\n        int y = x;\n"
                + "        // t.md:2\n        int z = y;\n"), source);
    }

    private static void assertMarkerError(String markdown, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DocSnippets.snippets("x.md", markdown));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private ConsumerProject project() {
        return ConsumerProject.of(DocSnippets.all(root), rootPom());
    }

    private String rootPom() {
        return DocSnippets.read(root.resolve("pom.xml"));
    }

    private static Snippet only(List<Snippet> snippets, String path) {
        List<Snippet> found = snippets.stream().filter(s -> s.path().equals(path)).toList();
        assertEquals(1, found.size(), path + " in " + snippets);
        return found.get(0);
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static List<Snippet> concat(List<Snippet> a, List<Snippet> b) {
        List<Snippet> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
