package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the Redis section of docs/token-stores.md (standalone, passwords, TLS, Sentinel, Cluster,
 * proxies, options) compiles against this build: a newcomer can paste each one.
 */
class TokenStoresDocTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\R(.*?)\\R```");
    /** What the snippets take as given: the app's credentials, secrets from the deployment, a client of one's own. */
    private static final String GIVEN = ""
            + "    String corpId = \"ww0123456789abcdef\";\n"
            + "    String secret = System.getenv(\"WECOM_SECRET\");\n"
            + "    String password = System.getenv(\"REDIS_PASSWORD\");\n"
            + "    String proxyPassword = System.getenv(\"PROXY_PASSWORD\");\n"
            + "    char[] trustStorePassword = new char[0];\n"
            + "    Path caPemPath = Path.of(\"ca.pem\");\n"
            + "    Clock clock = Clock.systemUTC();\n"
            + "    RedisClient redisClient = RedisClient.create();\n";
    private static final String IMPORTS = ""
            + "import io.github.wecomkit.WeComClient;\n"
            + "import io.github.wecomkit.redis.RedisTokenStore;\n"
            + "import io.lettuce.core.RedisClient;\n"
            + "import io.lettuce.core.RedisURI;\n"
            + "import io.lettuce.core.cluster.ClusterClientOptions;\n"
            + "import io.lettuce.core.cluster.RedisClusterClient;\n"
            + "import java.io.InputStream;\n"
            + "import java.nio.file.Files;\n"
            + "import java.nio.file.Path;\n"
            + "import java.security.KeyStore;\n"
            + "import java.time.Clock;\n"
            + "import java.time.Duration;\n"
            + "import java.util.List;\n";

    @TempDir
    Path classes;

    @Test
    void redisSection_everyJavaSnippetCompiles() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../docs/token-stores.md")
                .normalize(), StandardCharsets.UTF_8);
        String section = doc.substring(doc.indexOf("\n## Redis\n"), doc.indexOf("\n## Writing your own store"));
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertTrue(blocks.size() >= 8, "snippets found: " + blocks.size());

        StringBuilder source = new StringBuilder(IMPORTS).append("\nclass Snippets {\n").append(GIVEN);
        for (int i = 0; i < blocks.size(); i++) {
            source.append("\n    void snippet").append(i).append("() throws Exception {\n")
                    .append(blocks.get(i)).append("\n    }\n");
        }
        compile(source.append("}\n").toString());
    }

    private void compile(String source) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "run the build on a JDK, not a JRE");
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Snippets.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", classes.toString(), "-proc:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(file)).call();
            StringBuilder report = new StringBuilder();
            diagnostics.getDiagnostics().forEach(d -> report.append(d.getKind()).append(" line ")
                    .append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n'));
            assertEquals("", ok ? "" : report + "\n--- source ---\n" + source, "a snippet does not compile");
        }
    }
}
