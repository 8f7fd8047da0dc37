package dev.flyregistry.machines;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A lease on one machine: while held, only requests carrying its nonce (header {@code
 * fly-machine-lease-nonce}) may change the machine. {@link #toString()} does not show the nonce.
 *
 * @param machineId the leased machine
 * @param nonce the lease's nonce, sent with every change and with the release
 * @param expiresAt when the lease ends unless released or refreshed, when the API said
 * @param owner who holds it, when the API said
 */
public record Lease(
    String machineId, String nonce, Optional<Instant> expiresAt, Optional<String> owner) {

  /**
   * Checks the components.
   *
   * @param machineId the leased machine
   * @param nonce the lease's nonce, sent with every change and with the release
   * @param expiresAt when the lease ends unless released or refreshed, when the API said
   * @param owner who holds it, when the API said
   */
  public Lease {
    Objects.requireNonNull(machineId, "machineId");
    Objects.requireNonNull(nonce, "nonce");
    if (nonce.isBlank()) {
      throw new IllegalArgumentException("lease nonce of machine " + machineId + " is blank");
    }
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(owner, "owner");
  }

  @Override
  public String toString() {
    return "Lease[machineId="
        + machineId
        + ", nonce=REDACTED, expiresAt="
        + expiresAt.map(Instant::toString).orElse("?")
        + ", owner="
        + owner.orElse("?")
        + "]";
  }
}
