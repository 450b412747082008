package io.diffuse4j.examples.kdpm2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code java} snippet of {@code docs/plugins.md} compiles against the real api, toolkit,
 * plugin loader, example plugin and contract test kit, so the guide cannot drift from the code.
 * A snippet declaring a class is compiled as a file; any other is compiled as a method body.
 */
class PluginDocsSnippetsTest {

  private static final String IMPORTS = String.join("\n",
      "import io.diffuse4j.api.scheduler.*;",
      "import io.diffuse4j.schedulers.toolkit.*;",
      "import io.diffuse4j.schedulers.Schedulers;",
      "import io.diffuse4j.schedulers.SchedulersModule;",
      "import io.diffuse4j.plugins.*;",
      "import io.diffuse4j.examples.kdpm2.*;",
      "import io.diffuse4j.schedulers.contract.AbstractSchedulerContractTest;",
      "import com.google.inject.Guice;",
      "import com.google.inject.Injector;",
      "import com.google.inject.Module;",
      "import java.util.*;",
      "import java.util.function.Function;",
      "import java.nio.file.Path;", "");

  @TempDir Path temp;

  @Test
  void everyJavaSnippetOfThePluginGuideCompiles() throws IOException {
    String doc = Files.readString(Path.of("../../docs/plugins.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    List<String> files = new ArrayList<>();
    Pattern cls = Pattern.compile("^(?:public )?(?:final )?class (\\w+)", Pattern.MULTILINE);
    int n = 0;
    while (m.find()) {
      String code = m.group(1);
      Matcher c = cls.matcher(code);
      String name = c.find() ? c.group(1) : "Snippet" + n;
      String source = IMPORTS + (code.contains("class " + name) ? code
          : "class " + name + " {\n  void run() throws Exception {\n" + code + "\n  }\n}\n");
      Path dir = Files.createDirectories(temp.resolve("src" + n));
      Path file = dir.resolve(name + ".java");
      Files.writeString(file, source, StandardCharsets.UTF_8);
      files.add(file.toString());
      n++;
    }
    assertThat(n).as("java snippets in docs/plugins.md").isGreaterThanOrEqualTo(4);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> args = new ArrayList<>(List.of("-d", temp.resolve("out").toString(), "-cp", cp,
        "-proc:none", "-Xlint:none"));
    args.addAll(files);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = javac.run(null, null, err, args.toArray(String[]::new));
    assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
  }
}
