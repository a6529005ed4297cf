package io.github.wecomkit.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.consumer.PublishedArtifacts.Module;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The jars wecomkit publishes carry their licence and their own module name; nothing else is published. */
class PublishedArtifactsIT {
    private final Path root = Path.of(System.getProperty("consumer.root")).toAbsolutePath().normalize();
    private final String version = System.getProperty("consumer.version");
    private final PublishedArtifacts artifacts = PublishedArtifacts.of(root);

    @Test
    void theBomListsTheCoreTheRedisStoreAndTheTestkit() {
        assertTrue(artifacts.published().containsAll(List.of("wecomkit-core", "wecomkit-cache-redis",
                "wecomkit-testkit")), artifacts.published().toString());
    }

    @Test
    void everyPublishedJar_andItsSourcesJar_carryTheLicence() throws IOException {
        String licence = Files.readString(root.resolve("LICENSE"), StandardCharsets.UTF_8);
        for (String artifactId : artifacts.published()) {
            Module module = artifacts.modules().get(artifactId);
            for (Path jar : List.of(module.jar(version), module.dir().resolve("target")
                    .resolve(artifactId + "-" + version + "-sources.jar"))) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    assertNotNull(file.getEntry("META-INF/LICENSE"), jar + " has no META-INF/LICENSE");
                    String inJar = new String(file.getInputStream(file.getEntry("META-INF/LICENSE")).readAllBytes(),
                            StandardCharsets.UTF_8);
                    assertEquals(licence, inJar, jar + ": another licence text");
                }
            }
        }
    }

    @Test
    void everyPublishedJar_hasItsOwnModuleName_andNoLoggingProvider() throws IOException {
        Map<String, String> owners = new HashMap<>();
        for (String artifactId : artifacts.published()) {
            Path jar = artifacts.modules().get(artifactId).jar(version);
            try (JarFile file = new JarFile(jar.toFile())) {
                String name = file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
                assertNotNull(name, jar + " has no Automatic-Module-Name");
                String other = owners.put(name, artifactId);
                assertEquals(null, other, name + " is the module name of " + other + " and " + artifactId);
                assertEquals(null, file.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"),
                        jar + " would take over its users' logging");
            }
        }
    }

    /**
     * A published module attaches nothing but its jar, sources and javadoc: a test-jar would be installed and
     * published with it. Read from the POMs (a stale jar in target/ from an older build proves nothing).
     */
    @Test
    void noPublishedModule_attachesATestJar() {
        List<Path> poms = new ArrayList<>(List.of(root.resolve("pom.xml")));
        artifacts.published().forEach(id -> poms.add(artifacts.modules().get(id).dir().resolve("pom.xml")));
        for (Path pom : poms) {
            String text = DocSnippets.read(pom);
            assertFalse(text.contains("<goal>test-jar</goal>") || text.contains("<goal>test-jar-no-fork</goal>"),
                    pom + " attaches a test jar, which would be published; shared test helpers go to test-support");
        }
    }

    /** Every module the BOM does not list is kept out of deploy and out of the release profile's publishing. */
    @Test
    void everyModuleOutsideTheBom_isNeitherDeployedNorPublished() {
        String rootPom = DocSnippets.read(root.resolve("pom.xml"));
        String excluded = rootPom.substring(rootPom.indexOf("<excludeArtifacts>") + "<excludeArtifacts>".length(),
                rootPom.indexOf("</excludeArtifacts>"));
        List<String> excludedArtifacts = List.of(excluded.strip().split("\\s*,\\s*"));
        for (Module module : artifacts.modules().values()) {
            String id = module.artifactId();
            if (artifacts.published().contains(id) || id.equals("wecomkit-bom")) {
                assertFalse(excludedArtifacts.contains(id), id + " is published but excluded");
                continue;
            }
            assertEquals("true", module.property("maven.deploy.skip"), id + " must set maven.deploy.skip");
            assertTrue(excludedArtifacts.contains(id), id + " must be in the release profile's excludeArtifacts");
        }
    }
}
