package dev.flyregistry.internal.machines;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class MachinesHttpCallTest {
  @Test
  void toStringNamesTheCallButNeverTheLeaseNonce() {
    HttpUrl url = HttpUrl.get("http://127.0.0.1:1/v1/apps/app/machines/m1");
    MachinesHttp.Call call =
        MachinesHttp.Call.mutate("machines.update", "POST", url, "{\"config\":{}}")
            .withLease("nonce-5f3a9c-secret");

    assertThat(call.toString())
        .contains("machines.update", "POST", url.toString(), "with lease")
        .doesNotContain("nonce-5f3a9c-secret")
        .doesNotContain("config");
    assertThat(MachinesHttp.Call.get("machines.get", url).toString()).doesNotContain("lease");
  }
}
