package io.github.wecomkit.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The newcomer's path: a separate Maven project made only of the docs' snippets, built with Maven against the
 * artifacts this reactor just built, installed into a private repository under target/ (never ~/.m2).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsumerBuildIT {
    private static final Pattern SUITE = Pattern.compile(
            "<testsuite [^>]*name=\"([^\"]+)\"[^>]*tests=\"(\\d+)\"[^>]*errors=\"(\\d+)\"[^>]*skipped=\"(\\d+)\""
                    + "[^>]*failures=\"(\\d+)\"");

    private final Path root = Path.of(property("consumer.root")).toAbsolutePath().normalize();
    private final Path work = Path.of(property("consumer.work")).toAbsolutePath().normalize();
    private final String version = property("consumer.version");

    @Test
    void theDocsSnippets_makeAProjectThatBuildsAndPassesItsTests() throws Exception {
        Path project = work.resolve("consumer");
        Path repository = work.resolve("consumer-repo");
        deleteRecursively(project);
        deleteRecursively(repository); // every run starts as a fresh machine would: nothing installed yet
        ConsumerProject consumer = ConsumerProject.of(DocSnippets.all(root), DocSnippets.read(root.resolve("pom.xml")));
        consumer.writeTo(project, harness());
        PublishedArtifacts.of(root).installInto(repository, version);
        Path settings = work.resolve("consumer-settings.xml");
        Files.writeString(settings, settings(Path.of(property("consumer.outerRepository"))), StandardCharsets.UTF_8);

        long start = System.nanoTime();
        Path log = work.resolve("consumer-build.log");
        int exit = maven(project, repository, settings, log);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("consumer build: " + seconds + " s, exit " + exit + ", " + consumer.origins().size()
                + " snippets (" + project.resolve("SNIPPETS.txt") + "), log " + log);
        if (exit != 0) {
            fail("the consumer project made of the docs' snippets does not build (exit " + exit + "):\n"
                    + tail(output, 150) + "\n--- snippets ---\n" + String.join("\n", consumer.origins()));
        }

        Map<String, int[]> suites = suites(project.resolve("target/surefire-reports"));
        int[] docsTest = suites.get("LoginServiceTest");
        assertNotNull(docsTest, "docs/testing.md's first test class ran: " + suites.keySet());
        assertEquals(3, docsTest[0], "its three tests, one fake reset before each");
        for (String harness : harness().keySet()) {
            String name = harness.replace(".java", "");
            assertTrue(suites.containsKey(name), name + " ran: " + suites.keySet());
        }
        suites.forEach((name, counts) -> assertEquals(0, counts[1] + counts[2] + counts[3], name
                + ": errors, skipped or failures"));
    }

    /** Runs {@code mvn test} on the consumer project with this build's Maven and JDK, without WeCom credentials. */
    private int maven(Path project, Path repository, Path settings, Path log) throws Exception {
        boolean windows = System.getProperty("os.name").toLowerCase().contains("win");
        Path mvn = Path.of(property("consumer.mavenHome"), "bin", windows ? "mvn.cmd" : "mvn");
        // Transfers are logged: the log shows where each artifact came from (outer-local or central).
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-e",
                "-f", project.resolve("pom.xml").toString(),
                "-gs", settings.toString(),
                "-Dmaven.repo.local=" + repository));
        if (property("consumer.offline").equals("offline=true")) {
            // Offline like this build; the file:// repository of this build's artifacts stays readable.
            command.add("-o");
            command.add("-Daether.offline.protocols=file");
        }
        command.add("test");
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("WECOM_") || name.equals("MAVEN_OPTS")
                || name.equals("MAVEN_ARGS"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(8, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the consumer build did not finish in 8 minutes; see " + log);
        }
        return process.exitValue();
    }

    /**
     * Global settings for the consumer build: this build's local repository, read as a remote one, comes before
     * Maven Central, so the consumer build needs the network only for what this build never downloaded. Only its
     * releases: wecomkit's own snapshots come from the private repository alone. (The user's settings.xml, with
     * any mirror or proxy, still applies.)
     */
    static String settings(Path outerRepository) {
        String url = outerRepository.toUri().toString();
        String repository = "<id>outer-local</id><url>" + url + "</url>"
                + "<releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>"
                + "<snapshots><enabled>false</enabled></snapshots>";
        return "<settings><profiles><profile><id>outer-local</id>"
                + "<repositories><repository>" + repository + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>outer-local</activeProfile></activeProfiles>"
                + "</settings>\n";
    }

    /** The harness tests, by file name: checks of what the docs' code claims, not docs themselves. */
    static Map<String, String> harness() throws IOException, URISyntaxException {
        Path dir = Path.of(ConsumerBuildIT.class.getResource("/harness").toURI());
        Map<String, String> harness = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                harness.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return harness;
    }

    /** @return per suite: tests, errors, skipped, failures */
    private static Map<String, int[]> suites(Path reports) throws IOException {
        Map<String, int[]> suites = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(reports)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".xml")).toList()) {
                Matcher m = SUITE.matcher(Files.readString(file, StandardCharsets.UTF_8));
                if (m.find()) {
                    suites.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                            Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))});
                }
            }
        }
        return suites;
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\\R");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertNotNull(value, "failsafe sets " + name);
        return value;
    }
}
