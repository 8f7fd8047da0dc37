package dev.flyregistry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles the README's quick start exactly as printed, against the SDK's jars. */
class ReadmeQuickStartTest {
  private static final String BEGIN = "<!-- QUICKSTART:BEGIN -->";
  private static final String END = "<!-- QUICKSTART:END -->";

  static Path readme() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("README.md");
      if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("fly-registry-core"))) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("README.md of the repository not found above the working dir");
  }

  static String quickStartSource() throws IOException {
    String text = Files.readString(readme(), StandardCharsets.UTF_8);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertThat(b).as("README has the quick start markers").isNotNegative();
    assertThat(e).isGreaterThan(b);
    String block = text.substring(b + BEGIN.length(), e).trim();
    assertThat(block).startsWith("```java").endsWith("```");
    return block.substring("```java".length(), block.length() - 3);
  }

  /**
   * Compiling is not enough: the calls whose failure the quick start talks about must be handled
   * the way they fail. {@code config} throws for a missing image, and {@code deploy} never returns
   * a failed result (it throws {@code DeployFailedException}, see ExamplesTest).
   */
  @Test
  void quickStartHandlesTheFailuresItDescribes() throws IOException {
    String source = quickStartSource();
    int config = source.indexOf("registry.config(ref)");
    assertThat(config).as("the quick start reads a configuration").isPositive();
    assertThat(source.lastIndexOf("if (found.isPresent())", config))
        .as("the configuration is read only when the image was found")
        .isPositive();
    int deploy = source.indexOf("machines.deploy(");
    assertThat(deploy).as("the quick start deploys").isPositive();
    assertThat(source.indexOf("catch (DeployFailedException", deploy))
        .as("a failed deploy throws, so the quick start catches it")
        .isPositive();
  }

  @Test
  void quickStartCompiles(@TempDir Path tmp) throws IOException {
    String source = quickStartSource();
    assertThat(source).contains("class QuickStart");
    Path file = tmp.resolve("QuickStart.java");
    Files.writeString(file, source, StandardCharsets.UTF_8);

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler).as("a JDK compiler").isNotNull();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> options = new ArrayList<>(List.of("--release", "17", "-Xlint:all", "-Werror"));
    options.addAll(List.of("-classpath", classpath, "-d", tmp.toString()));
    try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, null)) {
      boolean ok =
          compiler
              .getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjects(file.toFile()))
              .call();
      StringBuilder report = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        report
            .append(d.getKind())
            .append(" line ")
            .append(d.getLineNumber())
            .append(": ")
            .append(d.getMessage(null))
            .append(File.separator.equals("/") ? "\n" : "\r\n");
      }
      assertThat(ok).as("README quick start compiles:\n%s", report).isTrue();
    }
    assertThat(tmp.resolve("QuickStart.class")).exists();
  }
}
