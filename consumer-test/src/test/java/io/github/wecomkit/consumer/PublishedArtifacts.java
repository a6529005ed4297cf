package io.github.wecomkit.consumer;

import static io.github.wecomkit.consumer.Xml.child;
import static io.github.wecomkit.consumer.Xml.children;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What wecomkit publishes, read from the build itself: the parent POM, the BOM, and every artifact the BOM lists
 * (so a module another engineer adds to the BOM is installed for the consumer build, and checked, by itself).
 */
final class PublishedArtifacts {
    /** A reactor module: its directory and its POM. */
    record Module(String artifactId, Path dir, Document pom) {
        Path jar(String version) {
            return dir.resolve("target").resolve(artifactId + "-" + version + ".jar");
        }

        String property(String name) {
            Element properties = child(pom.getDocumentElement(), "properties");
            Element value = properties == null ? null : child(properties, name);
            return value == null ? null : value.getTextContent().strip();
        }
    }

    private final Path root;
    private final Map<String, Module> modules;
    private final List<String> published;

    private PublishedArtifacts(Path root, Map<String, Module> modules, List<String> published) {
        this.root = root;
        this.modules = modules;
        this.published = published;
    }

    static PublishedArtifacts of(Path root) {
        Map<String, Module> modules = new LinkedHashMap<>();
        Element rootProject = parse(root.resolve("pom.xml")).getDocumentElement();
        for (Element module : children(child(rootProject, "modules"), "module")) {
            Path dir = root.resolve(module.getTextContent().strip());
            Document pom = parse(dir.resolve("pom.xml"));
            String artifactId = child(pom.getDocumentElement(), "artifactId").getTextContent().strip();
            modules.put(artifactId, new Module(artifactId, dir, pom));
        }
        List<String> published = new ArrayList<>();
        Module bom = modules.get("wecomkit-bom");
        Element managed = child(child(bom.pom().getDocumentElement(), "dependencyManagement"), "dependencies");
        for (Element dependency : children(managed, "dependency")) {
            published.add(child(dependency, "artifactId").getTextContent().strip());
        }
        return new PublishedArtifacts(root, modules, published);
    }

    /** @return the artifactIds the BOM lists: the published jars */
    List<String> published() {
        return List.copyOf(published);
    }

    /** @return every reactor module by artifactId */
    Map<String, Module> modules() {
        return Map.copyOf(modules);
    }

    /**
     * Installs the parent POM, the BOM and the published jars with their POMs into a repository directory, as
     * {@code mvn install} lays them out (a file without {@code _remote.repositories} counts as installed there).
     *
     * @throws IllegalStateException if a published jar was not built yet
     */
    void installInto(Path repository, String version) {
        install(repository, "wecomkit-parent", version, "pom", root.resolve("pom.xml"));
        install(repository, "wecomkit-bom", version, "pom", modules.get("wecomkit-bom").dir().resolve("pom.xml"));
        for (String artifactId : published) {
            Module module = modules.get(artifactId);
            if (module == null) {
                throw new IllegalStateException("the BOM lists " + artifactId + ", which no reactor module builds");
            }
            Path jar = module.jar(version);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: make wecomkit-consumer-test depend on "
                        + artifactId + " (test scope) so that the reactor builds it first");
            }
            install(repository, artifactId, version, "pom", module.dir().resolve("pom.xml"));
            install(repository, artifactId, version, "jar", jar);
        }
    }

    private static void install(Path repository, String artifactId, String version, String extension, Path file) {
        Path target = repository.resolve("io/github/wecomkit").resolve(artifactId).resolve(version)
                .resolve(artifactId + "-" + version + "." + extension);
        ConsumerBuildIT.copy(file, target);
    }

    private static Document parse(Path file) {
        return Xml.parse(DocSnippets.read(file));
    }
}
