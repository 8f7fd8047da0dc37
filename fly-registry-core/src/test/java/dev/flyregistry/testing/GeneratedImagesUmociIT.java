package dev.flyregistry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flyregistry.testing.TestImages.ImageInfo;
import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TestImages.Layer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, independent reader of the generator's layouts: umoci verifies every blob digest and the
 * config's diff IDs while it unpacks the layers into a root filesystem.
 */
class GeneratedImagesUmociIT {

  @TempDir Path tmp;

  @Test
  void umociUnpacksTheLayersIntoTheExpectedFiles() throws Exception {
    OciLayout layout = TestImages.ociLayout(tmp.resolve("layout"));
    ImageInfo image =
        layout.addImage(
            "v1",
            ImageSpec.linux("amd64", "hi\n")
                .withLayer(Layer.text("etc/app/app.conf", "x=1\n").withText("etc/motd", "m\n"))
                .withLayer(Layer.random("opt/data.bin", 70_000, 5)));

    Path bundle = tmp.resolve("bundle");
    Tools.runChecked(
        List.of(
            Tools.require("umoci", "umoci"),
            "unpack",
            "--rootless",
            "--image",
            layout.dir() + ":v1",
            bundle.toString()),
        Duration.ofMinutes(2),
        null,
        "umoci unpack");

    Path rootfs = bundle.resolve("rootfs");
    assertThat(Files.readString(rootfs.resolve("hello.txt"), StandardCharsets.UTF_8))
        .isEqualTo("hi\n");
    assertThat(Files.readString(rootfs.resolve("etc/app/app.conf"))).isEqualTo("x=1\n");
    assertThat(Files.readString(rootfs.resolve("etc/motd"))).isEqualTo("m\n");
    assertThat(Files.readAllBytes(rootfs.resolve("opt/data.bin")))
        .isEqualTo(new TestImages.RandomStream(70_000, 5).readAllBytes());
    assertThat(image.layers()).hasSize(3);
  }
}
