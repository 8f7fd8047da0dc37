package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flyregistry.testing.apifixture.Clean;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSurfaceTest {
  private static final String FIXTURES = "dev.flyregistry.testing.apifixture.";

  private static ApiSurface fixtures() {
    Path root = Path.of(testClasses());
    return ApiSurface.of(root, FIXTURES, ApiSurfaceTest.class.getClassLoader());
  }

  private static String testClasses() {
    try {
      return Path.of(
              ApiSurfaceTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void exportsPublicTypesOutsideInternalPackagesWhoseEnclosingTypesArePublic() {
    assertThat(fixtures().exportedTypes())
        .extracting(Class::getSimpleName)
        .containsExactlyInAnyOrder("Clean", "Kind", "Leaky", "Open");
    assertThat(fixtures().publicPackages()).containsExactly("dev.flyregistry.testing.apifixture");
  }

  @Test
  void findsThirdPartyAndInternalTypesInPublicAndProtectedSignatures() {
    assertThat(fixtures().signatureLeaks(c -> false))
        .containsExactlyInAnyOrder(
            FIXTURES + "Leaky.url returns: okhttp3.HttpUrl",
            FIXTURES + "Leaky.hidden returns: " + FIXTURES + "internal.Hidden",
            FIXTURES + "Open.request returns: okhttp3.Request");
  }

  @Test
  void typesTheCallerAllowsAreNotLeaks() {
    assertThat(fixtures().signatureLeaks(c -> c.getName().startsWith("okhttp3.")))
        .containsExactly(FIXTURES + "Leaky.hidden returns: " + FIXTURES + "internal.Hidden");
  }

  @Test
  void findsChangeableAndArrayFieldsButNotConstants() {
    assertThat(fixtures().mutableFields())
        .containsExactlyInAnyOrder(
            FIXTURES + "Leaky.NAMES is an array (its elements can be changed)",
            FIXTURES + "Leaky.counter is not static final");
  }

  @Test
  void findsClassesOpenToSubclassing() {
    assertThat(fixtures().openClasses()).containsExactly(FIXTURES + "Open can be subclassed");
  }

  @Test
  void aModuleIsReadFromWhereItsAnchorClassWasLoaded() {
    ApiSurface api = ApiSurface.ofModuleOf(Clean.class);
    assertThat(api.exportedTypes()).contains(Clean.class, Samples.class);
  }

  @Test
  void refusesAPathWithoutClassesLoudly(@TempDir Path empty) {
    assertThatThrownBy(() -> ApiSurface.of(empty, FIXTURES, getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no classes named " + FIXTURES);
    assertThatThrownBy(
            () -> ApiSurface.of(empty.resolve("missing"), "", getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a directory of class files");
  }
}
