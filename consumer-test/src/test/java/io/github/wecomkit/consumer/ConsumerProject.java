package io.github.wecomkit.consumer;

import static io.github.wecomkit.consumer.Xml.child;
import static io.github.wecomkit.consumer.Xml.children;
import static io.github.wecomkit.consumer.Xml.text;

import io.github.wecomkit.consumer.DocSnippets.Snippet;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A newcomer's Maven project made of doc snippets: a skeleton POM (coordinates, Java 17, the plugin versions of
 * this build so nothing new is downloaded) into which the POM snippets are merged, the whole-file snippets as they
 * are, and the statement snippets as the bodies of methods. Nothing else comes from us, except the harness tests
 * under src/test/resources/harness that check what the docs' code claims (e.g. the quick start's message with
 * WECOM_SECRET unset).
 */
final class ConsumerProject {
    /** Imports for statement snippets, which show no imports: every public package of the core. */
    private static final List<String> MAIN_IMPORTS = List.of("io.github.wecomkit.*", "io.github.wecomkit.error.*",
            "io.github.wecomkit.token.*", "io.github.wecomkit.callback.*", "java.time.*", "java.util.*");
    /** ... and in tests the testkit and JUnit's assertions. */
    private static final List<String> TEST_IMPORTS = List.of("io.github.wecomkit.testkit.*",
            "static org.junit.jupiter.api.Assertions.*");
    /** The plugins a {@code mvn test} runs, pinned to this build's versions. */
    private static final List<String> PLUGINS = List.of("maven-clean-plugin", "maven-resources-plugin",
            "maven-compiler-plugin", "maven-surefire-plugin", "maven-jar-plugin", "maven-install-plugin");

    private final Document pom;
    private final Map<String, String> files = new LinkedHashMap<>();
    private final List<String> origins = new ArrayList<>();

    private ConsumerProject(Document pom) {
        this.pom = pom;
    }

    /**
     * @param snippets the marked snippets, in the order they are to be read
     * @param rootPom  this build's root POM, for the plugin versions
     * @return the project, not yet written
     * @throws IllegalArgumentException if two snippets claim one file, or two pages disagree on a dependency
     */
    static ConsumerProject of(List<Snippet> snippets, String rootPom) {
        ConsumerProject project = new ConsumerProject(skeleton(pluginVersions(rootPom)));
        Map<String, Map<String, StringBuilder>> methods = new LinkedHashMap<>();
        Map<String, Set<String>> imports = new LinkedHashMap<>();
        for (Snippet s : snippets) {
            project.origins.add(s.where() + " -> " + s.path() + (s.method() == null ? "" : "#" + s.method()));
            if (s.isPom()) {
                project.merge(s);
            } else if (s.method() == null) {
                if (methods.containsKey(s.path()) || project.files.putIfAbsent(s.path(), s.body()) != null) {
                    throw new IllegalArgumentException(s.where() + ": another snippet is " + s.path() + " already");
                }
            } else {
                if (project.files.containsKey(s.path())) {
                    throw new IllegalArgumentException(s.where() + ": " + s.path() + " is a whole-file snippet");
                }
                Set<String> fileImports = imports.computeIfAbsent(s.path(), p -> new LinkedHashSet<>(
                        p.startsWith("src/test/") ? concat(MAIN_IMPORTS, TEST_IMPORTS) : MAIN_IMPORTS));
                fileImports.addAll(s.imports());
                String signature = "    static void " + s.method() + "(" + s.params() + ") throws Exception {\n";
                StringBuilder body = methods.computeIfAbsent(s.path(), p -> new LinkedHashMap<>())
                        .computeIfAbsent(signature, k -> new StringBuilder());
                for (String line : s.body().split("\n")) {
                    if (line.startsWith("import ")) {
                        fileImports.add(line.substring("import ".length()).replace(";", "").strip());
                    } else {
                        body.append(line.isBlank() ? "" : "        " + line).append('\n');
                    }
                }
                body.append("        // ").append(s.where()).append('\n');
            }
        }
        methods.forEach((path, byMethod) -> {
            StringBuilder source = new StringBuilder("// Statement snippets of the docs, pasted into methods.\n");
            imports.get(path).forEach(i -> source.append("import ").append(i).append(";\n"));
            String className = path.substring(path.lastIndexOf('/') + 1, path.length() - ".java".length());
            source.append("\nclass ").append(className).append(" {\n");
            byMethod.forEach((signature, body) -> source.append(signature).append(body).append("    }\n\n"));
            project.files.put(path, source.append("}\n").toString());
        });
        return project;
    }

    /** @return the relative path and content of every source file */
    Map<String, String> sources() {
        return Map.copyOf(files);
    }

    /** @return the generated POM */
    String pom() {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(pom), new StreamResult(out));
            return out.toString().replaceAll("(?m)^\\s+$\\R", "");
        } catch (javax.xml.transform.TransformerException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return where each file part came from, "README.md:71 -> src/main/java/LoginService.java" */
    List<String> origins() {
        return List.copyOf(origins);
    }

    /** Writes the project, with the harness tests, into a fresh directory. */
    void writeTo(Path dir, Map<String, String> harness) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("pom.xml"), pom(), StandardCharsets.UTF_8);
            Map<String, String> all = new LinkedHashMap<>(files);
            harness.forEach((name, source) -> {
                if (all.putIfAbsent("src/test/java/" + name, source) != null) {
                    throw new IllegalArgumentException("a doc snippet and the harness both write " + name);
                }
            });
            for (Map.Entry<String, String> file : all.entrySet()) {
                Path target = dir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            }
            Files.write(dir.resolve("SNIPPETS.txt"), origins, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the POM ----------------------------------------------------------------------------------------

    private static Document skeleton(Map<String, String> versions) {
        StringBuilder plugins = new StringBuilder();
        for (String artifactId : PLUGINS) {
            String version = versions.get(artifactId);
            if (version == null) {
                throw new IllegalStateException("the root POM pins no version of " + artifactId);
            }
            plugins.append("<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>").append(artifactId)
                    .append("</artifactId><version>").append(version).append("</version></plugin>");
        }
        return parse("<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                + "<modelVersion>4.0.0</modelVersion>"
                + "<groupId>com.example</groupId><artifactId>newcomer</artifactId><version>1.0</version>"
                + "<properties><maven.compiler.release>17</maven.compiler.release>"
                + "<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>"
                + "<dependencyManagement><dependencies/></dependencyManagement><dependencies/>"
                + "<build><pluginManagement><plugins>" + plugins + "</plugins></pluginManagement>"
                + "<plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
                + "<artifactId>maven-compiler-plugin</artifactId><configuration><compilerArgs>"
                + "<arg>-Xlint:all,-processing,-path</arg></compilerArgs><failOnWarning>true</failOnWarning>"
                + "</configuration></plugin></plugins></build></project>");
    }

    /** The versions of the root POM's pluginManagement, by artifactId. */
    static Map<String, String> pluginVersions(String rootPom) {
        Map<String, String> versions = new LinkedHashMap<>();
        Element management = child(child(parse(rootPom).getDocumentElement(), "build"), "pluginManagement");
        for (Element plugin : children(child(management, "plugins"), "plugin")) {
            Element version = child(plugin, "version");
            if (version != null) {
                versions.put(child(plugin, "artifactId").getTextContent().strip(), version.getTextContent().strip());
            }
        }
        return versions;
    }

    /** Merges a POM snippet: dependencyManagement, dependencies, single dependencies, plugins. */
    private void merge(Snippet s) {
        Element fragment;
        try {
            fragment = parse("<fragment xmlns=\"http://maven.apache.org/POM/4.0.0\">" + s.body() + "</fragment>")
                    .getDocumentElement();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.where() + ": " + e.getMessage(), e);
        }
        Element project = pom.getDocumentElement();
        Element managed = child(child(project, "dependencyManagement"), "dependencies");
        Element dependencies = child(project, "dependencies");
        Element plugins = child(child(project, "build"), "plugins");
        for (Element e : children(fragment, null)) {
            switch (e.getLocalName()) {
                case "dependencyManagement" -> children(child(e, "dependencies"), "dependency")
                        .forEach(d -> add(managed, d, s));
                case "dependencies" -> children(e, "dependency").forEach(d -> add(dependencies, d, s));
                case "dependency" -> add(dependencies, e, s);
                case "plugin" -> add(plugins, e, s);
                default -> throw new IllegalArgumentException(s.where() + ": a POM snippet holds dependencyManagement,"
                        + " dependencies, dependency or plugin elements, not " + e.getLocalName());
            }
        }
    }

    /**
     * Adds a dependency or plugin once: the same one from another page is skipped if it says the same, and is an
     * error if it differs (two pages telling a newcomer different things).
     */
    private void add(Element parent, Element element, Snippet s) {
        String key = text(element, "groupId", "org.apache.maven.plugins") + ":" + text(element, "artifactId", "")
                + ":" + text(element, "type", "jar") + ":" + text(element, "classifier", "");
        for (Element existing : children(parent, element.getLocalName())) {
            String existingKey = text(existing, "groupId", "org.apache.maven.plugins") + ":"
                    + text(existing, "artifactId", "") + ":" + text(existing, "type", "jar") + ":"
                    + text(existing, "classifier", "");
            if (existingKey.equals(key)) {
                if (!canonical(existing).equals(canonical(element))) {
                    throw new IllegalArgumentException(s.where() + ": " + key + " is declared differently on"
                            + " another page: " + canonical(existing) + " vs " + canonical(element));
                }
                return;
            }
        }
        parent.appendChild(pom.importNode(element, true));
    }

    /** {@code dependency{groupId=..,artifactId=..,scope=..}}: the content, without layout or comments. */
    private static String canonical(Element e) {
        List<Element> children = children(e, null);
        if (children.isEmpty()) {
            return e.getLocalName() + "=" + e.getTextContent().strip();
        }
        StringBuilder out = new StringBuilder(e.getLocalName()).append('{');
        for (Element child : children) {
            out.append(canonical(child)).append(',');
        }
        return out.append('}').toString();
    }

    private static Document parse(String xml) {
        Document document = Xml.parse(xml);
        strip(document.getDocumentElement());
        return document;
    }

    /** Comments and whitespace go, so that the merged POM indents cleanly and comparisons see the content. */
    private static void strip(Node node) {
        for (Node n = node.getFirstChild(); n != null; ) {
            Node next = n.getNextSibling();
            if (n.getNodeType() == Node.COMMENT_NODE
                    || n.getNodeType() == Node.TEXT_NODE && n.getTextContent().isBlank()) {
                node.removeChild(n);
            } else {
                strip(n);
            }
            n = next;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
