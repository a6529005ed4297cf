package io.github.wecomkit.consumer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the snippets of the Markdown pages that belong to the consumer project: each is a fenced block right after
 * a marker comment that says where it goes.
 *
 * <pre>
 * &lt;!-- consumer: pom.xml --&gt;                                  dependencies, plugins: merged into the POM
 * &lt;!-- consumer: src/main/java/LoginService.java --&gt;           a whole source file, written as it is
 * &lt;!-- consumer: src/test/java/TestingDoc.java#faults(FakeWeCom wecom) --&gt;
 *                                                               statements: the body of that method (blocks
 *                                                               with the same method are joined, in order)
 * &lt;!-- consumer: src/main/java/X.java#m() imports=a.b.C,d.e.* --&gt;  extra imports for a method's class
 * &lt;!-- consumer: none (why) --&gt;                               deliberately not compiled
 * </pre>
 *
 * A marker may be followed by blank lines, then must open a fence. Pages listed in {@link #FULLY_COVERED} must mark
 * every {@code java} and {@code xml} block, so that a snippet added there cannot stay out of the build.
 */
final class DocSnippets {
    /** Pages whose every Java and XML snippet is in the consumer build (or says why not, with "none"). */
    static final List<String> FULLY_COVERED = List.of("README.md", "docs/quick-start.md",
            "docs/quick-start.zh-CN.md", "docs/testing.md", "docs/errors.md");

    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*consumer:\\s*(.*?)\\s*-->\\s*$");
    private static final Pattern TARGET = Pattern.compile(
            "(?<path>[^\\s#]+)(?:#(?<method>[A-Za-z_]\\w*)\\((?<params>[^)]*)\\))?(?:\\s+imports=(?<imports>\\S+))?");
    private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w.+-]*)\\s*$");

    /** Where a snippet goes. {@code method} is null for a whole file or a POM fragment. */
    record Snippet(String page, int line, String path, String method, String params, List<String> imports,
                   String language, String body) {
        boolean isPom() {
            return path.equals("pom.xml");
        }

        String where() {
            return page + ":" + line;
        }
    }

    /** A fenced block of a page, marked or not. */
    record Block(String page, int line, String language, String marker, String body) {
    }

    private DocSnippets() {
    }

    /** @return every marked snippet of the README and of docs/*.md, README first, then the pages by name */
    static List<Snippet> all(Path root) {
        List<Snippet> all = new ArrayList<>();
        for (String page : pages(root)) {
            all.addAll(snippets(page, read(root.resolve(page))));
        }
        return all;
    }

    /** @return README.md, then docs/*.md sorted, relative to the root */
    static List<String> pages(Path root) {
        List<String> pages = new ArrayList<>();
        pages.add("README.md");
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.map(p -> "docs/" + p.getFileName()).filter(p -> p.endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** @return the marked snippets of one page, in order; "none" markers give nothing */
    static List<Snippet> snippets(String page, String markdown) {
        List<Snippet> snippets = new ArrayList<>();
        for (Block block : blocks(page, markdown)) {
            if (block.marker() == null || block.marker().startsWith("none")) {
                continue;
            }
            Matcher m = TARGET.matcher(block.marker());
            if (!m.matches()) {
                throw new IllegalArgumentException(page + ":" + block.line() + ": cannot read the marker \""
                        + block.marker() + "\"; expected e.g. pom.xml, src/main/java/X.java or"
                        + " src/test/java/X.java#method(Type name)");
            }
            String path = m.group("path");
            if (!path.equals("pom.xml") && !path.matches("src/(main|test)/java/[\\w/]+\\.java")) {
                throw new IllegalArgumentException(page + ":" + block.line() + ": a snippet goes to pom.xml or to"
                        + " src/main/java/... or src/test/java/...: " + path);
            }
            if (path.equals("pom.xml") != block.language().equals("xml")) {
                throw new IllegalArgumentException(page + ":" + block.line() + ": pom.xml takes ```xml blocks,"
                        + " sources take ```java blocks");
            }
            List<String> imports = m.group("imports") == null ? List.of() : List.of(m.group("imports").split(","));
            snippets.add(new Snippet(page, block.line(), path, m.group("method"), m.group("params"), imports,
                    block.language(), block.body()));
        }
        return snippets;
    }

    /** @return every fenced block of a page with the marker before it, if any */
    static List<Block> blocks(String page, String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\\R", -1);
        String marker = null;
        int markerLine = 0;
        for (int i = 0; i < lines.length; i++) {
            Matcher mark = MARKER.matcher(lines[i]);
            if (mark.matches()) {
                if (marker != null) {
                    throw new IllegalArgumentException(page + ":" + markerLine + ": marker without a fenced block");
                }
                marker = mark.group(1);
                markerLine = i + 1;
                continue;
            }
            Matcher fence = FENCE.matcher(lines[i]);
            if (fence.matches()) {
                int open = i;
                StringBuilder body = new StringBuilder();
                for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
                    body.append(lines[i]).append('\n');
                }
                if (i == lines.length) {
                    throw new IllegalArgumentException(page + ":" + (open + 1) + ": fenced block never closed");
                }
                // Unlabelled blocks are program output, unless a marker claims them.
                if (!fence.group(1).isEmpty() || marker != null) {
                    blocks.add(new Block(page, open + 1, fence.group(1), marker, body.toString()));
                }
                marker = null;
            } else if (marker != null && !lines[i].isBlank()) {
                throw new IllegalArgumentException(page + ":" + markerLine + ": marker without a fenced block"
                        + " right after it");
            }
        }
        if (marker != null) {
            throw new IllegalArgumentException(page + ":" + markerLine + ": marker without a fenced block");
        }
        return blocks;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
