import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * helm template, run by Helm's own library (helm-java): the chart's values, then each values file in
 * order, validated against the chart's values.schema.json. Usage:
 *   Render template CHART RELEASE NAMESPACE [VALUES...]
 * Prints the manifests on stdout; exits 1 with Helm's message on stderr when rendering fails.
 */
public final class Render {
  public static void main(String[] args) {
    if (args.length < 4 || !args[0].equals("template")) {
      System.err.println("usage: Render template CHART RELEASE NAMESPACE [VALUES...]");
      System.exit(2);
    }
    try {
      TemplateCommand template =
          new Helm(Path.of(args[1])).template().withName(args[2]).withNamespace(args[3]);
      for (String values : Arrays.copyOfRange(args, 4, args.length)) {
        template = template.withValuesFile(Path.of(values));
      }
      System.out.print(template.call());
    } catch (RuntimeException error) {
      System.err.println("helm: " + error.getMessage());
      System.exit(1);
    }
  }
}
