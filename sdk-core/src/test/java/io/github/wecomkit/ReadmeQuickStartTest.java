package io.github.wecomkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start in the root README compiles against this build of the core. */
class ReadmeQuickStartTest {
    private static final Pattern FIRST_JAVA_BLOCK = Pattern.compile("(?s)```java\\R(.*?)\\R```");

    @TempDir
    Path classes;

    @Test
    void readme_firstJavaBlock_compilesAgainstTheCore() throws IOException {
        Path readme = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
        String block = firstJavaBlock(Files.readString(readme, StandardCharsets.UTF_8));

        compile(wrap(block), classes);
    }

    @Test
    void firstJavaBlock_whenTheReadmeHasNone_fails() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> firstJavaBlock("# wecomkit\n\n```bash\n./mvnw verify\n```\n"));
        assertTrue(e.getMessage().contains("no ```java block"), e.getMessage());
    }

    @Test
    void wrap_hoistsImportsAndGivesTheSnippetACode() {
        String source = wrap("import java.util.List;\n\nList<String> x = List.of(code);\n");

        assertTrue(source.startsWith("import java.util.List;\n"), source);
        assertTrue(source.contains("static void quickStart(String code) throws Exception {\nList<String> x"), source);
    }

    @Test
    void compile_whenTheSnippetIsBroken_failsWithTheDiagnostics() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> compile(wrap("WeComClient client = WeComClient.builder().noSuchOption().build();"), classes));
        assertTrue(e.getMessage().contains("noSuchOption"), e.getMessage());
    }

    static String firstJavaBlock(String markdown) {
        Matcher m = FIRST_JAVA_BLOCK.matcher(markdown);
        if (!m.find()) {
            fail("the README has no ```java block: add the quick start");
        }
        return m.group(1);
    }

    /**
     * A snippet is statements with its imports on top; they become a method with {@code code} as parameter (the
     * login code the mini-program sends). A snippet that declares a class is compiled as it is.
     */
    static String wrap(String block) {
        if (Pattern.compile("(?m)^\\s*(public\\s+)?(final\\s+)?class\\s").matcher(block).find()) {
            return block;
        }
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : block.split("\\R", -1)) {
            if (line.startsWith("import ")) {
                imports.append(line).append('\n');
            } else if (!(body.length() == 0 && line.isBlank())) {
                body.append(line).append('\n');
            }
        }
        return imports + "\nclass QuickStart {\n    static void quickStart(String code) throws Exception {\n"
                + body + "    }\n}\n";
    }

    /** Compiles one source against the test class path into {@code classes}, failing on any error or warning. */
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
