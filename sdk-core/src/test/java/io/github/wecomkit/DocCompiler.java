package io.github.wecomkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a doc page's class against this build of the core, warnings as errors. The README and the quick
 * starts are compiled as a separate consumer project by the consumer-test module; this serves the pages whose
 * examples need only the core.
 */
final class DocCompiler {
    private DocCompiler() {
    }

    static void compile(String source, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "run the build on a JDK, not a JRE");
        String className = source.contains("class QuickStart") ? "QuickStart" : publicClassName(source);
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
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
                    "-d", classes.toString(), "-proc:none", "-Xlint:all", "-Werror");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(file)).call();
            StringBuilder report = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                report.append(d.getKind()).append(" line ").append(d.getLineNumber()).append(": ")
                        .append(d.getMessage(Locale.ROOT)).append('\n');
            }
            if (!ok) {
                fail("the snippet does not compile:\n" + report + "\n--- source ---\n" + source);
            }
            assertEquals("", report.toString(), "warnings in the snippet");
        }
    }

    private static String publicClassName(String source) {
        Matcher m = Pattern.compile("class\\s+(\\w+)").matcher(source);
        assertTrue(m.find());
        return m.group(1);
    }
}
