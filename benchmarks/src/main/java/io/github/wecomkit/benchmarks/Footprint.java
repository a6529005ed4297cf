package io.github.wecomkit.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runtime jars each library adds to an application, from the verbose dependency tree the build writes
 * ({@code dependency:tree -Dverbose}) and the jars on this benchmark's classpath.
 *
 * <p>The verbose tree lists every edge, including those Maven omitted as duplicates or conflicts, so the closure
 * of one top-level dependency is what an application depending on it alone would get (versions aside).
 */
final class Footprint {

    /** The jars one library brings, itself included. */
    record Entry(String label, List<String> artifacts, long bytes, int missingJars) {
        double megabytes() {
            return bytes / (1024.0 * 1024.0);
        }
    }

    private static final String TREE = "/footprint/dependency-tree.txt";

    private final Map<String, Set<String>> children = new HashMap<>();
    private final Map<String, String[]> resolved = new HashMap<>();

    private Footprint() {
    }

    /** Reads the tree the build wrote next to the classes, or returns null when it is absent. */
    static Footprint load() throws IOException {
        try (InputStream in = Footprint.class.getResourceAsStream(TREE)) {
            if (in == null) {
                return null;
            }
            Footprint footprint = new Footprint();
            footprint.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            return footprint;
        }
    }

    private void parse(List<String> lines) {
        Deque<String> path = new ArrayDeque<>();
        for (String line : lines.subList(1, lines.size())) {
            int start = 0;
            while (start < line.length() && "|+-\\ ".indexOf(line.charAt(start)) >= 0) {
                start++;
            }
            if (start >= line.length()) {
                continue;
            }
            int depth = start / 3;
            String node = line.substring(start);
            boolean omitted = node.startsWith("(");
            if (omitted) {
                node = node.substring(1, node.indexOf(" - "));
            }
            String[] parts = node.split(":");
            String scope = parts[parts.length - 1].replaceAll("[^a-z].*", "");
            while (path.size() >= depth) {
                path.pop();
            }
            if (scope.equals("test") || scope.equals("provided") || scope.equals("system")) {
                // Its subtree is skipped too: push a marker no edge will match.
                path.push("-");
                continue;
            }
            String ga = parts[0] + ":" + parts[1];
            if (!path.isEmpty() && !path.peek().equals("-")) {
                children.computeIfAbsent(path.peek(), k -> new LinkedHashSet<>()).add(ga);
            } else if (path.isEmpty()) {
                children.computeIfAbsent("", k -> new LinkedHashSet<>()).add(ga);
            }
            if (!omitted) {
                resolved.put(ga, parts);
            }
            path.push(omitted || (!path.isEmpty() && path.peek().equals("-")) ? "-" : ga);
        }
    }

    /** The jars that {@code roots} bring together (each jar once), with their size on disk. */
    Entry closure(String label, String... roots) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>(List.of(roots));
        while (!queue.isEmpty()) {
            String ga = queue.poll();
            if (seen.add(ga)) {
                queue.addAll(children.getOrDefault(ga, Set.of()));
            }
        }
        long bytes = 0;
        int missing = 0;
        List<String> artifacts = new ArrayList<>();
        for (String ga : seen) {
            String[] parts = resolved.get(ga);
            Path jar = parts == null ? null : locate(parts);
            artifacts.add(ga);
            if (jar == null) {
                missing++;
            } else {
                bytes += size(jar);
            }
        }
        return new Entry(label, artifacts, bytes, missing);
    }

    /** g:a:type[:classifier]:version:scope → the jar, in target/lib beside the running jar or on the class path. */
    private static Path locate(String[] parts) throws IOException {
        String group = parts[0];
        String artifact = parts[1];
        String classifier = parts.length == 6 ? "-" + parts[3] : "";
        String version = parts[parts.length - 2];
        String fileName = artifact + "-" + version + classifier + ".jar";
        Path lib = libDirectory();
        if (lib != null) {
            Path candidate = lib.resolve(group + "." + fileName);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName() != null && path.getFileName().toString().equals(fileName)) {
                return path;
            }
            // A reactor module seen from its own build: target/classes of the module that builds that artifact.
            if (entry.endsWith("classes") && Files.isDirectory(path) && path.getParent() != null
                    && Files.isRegularFile(path.getParent().resolve(fileName))) {
                return path.getParent().resolve(fileName);
            }
        }
        return null;
    }

    private static Path libDirectory() {
        try {
            Path self = Path.of(Footprint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = self.getParent().resolve("lib");
            return Files.isDirectory(lib) ? lib : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static long size(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return Files.size(path);
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
