package dev.flyregistry.internal.machines;

import dev.flyregistry.internal.http.Interrupts;
import dev.flyregistry.machines.AppName;
import dev.flyregistry.machines.DeployFailedException;
import dev.flyregistry.machines.DeployResult;
import dev.flyregistry.machines.ImageChecker;
import dev.flyregistry.machines.ImageNotFoundException;
import dev.flyregistry.machines.Lease;
import dev.flyregistry.machines.Machine;
import dev.flyregistry.machines.MachineOutcome;
import dev.flyregistry.machines.MachineOutcome.Status;
import dev.flyregistry.machines.Machines;
import dev.flyregistry.machines.MachinesApiException;
import dev.flyregistry.machines.NoMachinesException;
import dev.flyregistry.registry.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys an image to every machine of an app, one machine after the other: lease, update {@code
 * config.image}, wait for {@code started}, release the lease (always). The deploy is recorded as a
 * release that ends {@code complete} or {@code failed}. The first failing machine stops the deploy;
 * the machines after it are left as they were. An update whose answer leaves open whether it was
 * applied (no answer, a 5xx or 408, an unreadable success) is never repeated: the machine is read
 * again, and when it holds the image in a new version the deploy goes on with it.
 */
public final class Deployer {
  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

  private final Machines machines;
  private final Releases releases;
  private final ImageChecker imageChecker;
  private final Duration waitTimeout;
  private final Duration leaseTtl;

  public Deployer(
      Machines machines,
      Releases releases,
      ImageChecker imageChecker,
      Duration waitTimeout,
      Duration leaseTtl) {
    this.machines = machines;
    this.releases = releases;
    this.imageChecker = imageChecker;
    this.waitTimeout = waitTimeout;
    this.leaseTtl = leaseTtl;
  }

  /**
   * @param ref the image, for the existence check
   * @param image the image as written into the machines' configuration and the release
   */
  public DeployResult deploy(String app, ImageReference ref, String image) {
    AppName.validate(app);
    Objects.requireNonNull(ref, "image");
    Objects.requireNonNull(image, "image");
    if (!imageChecker.exists(ref)) {
      throw new ImageNotFoundException(image);
    }
    List<Machine> targets = machines.list(app);
    if (targets.isEmpty()) {
      throw new NoMachinesException(app);
    }
    Releases.Created release =
        releases.create(
            app, image, "Deploy image " + image + " to " + targets.size() + " machine(s)");
    LOG.info(
        "deploying {} to app {} ({} machines), release {}",
        image,
        app,
        targets.size(),
        release.id());

    List<MachineOutcome> outcomes = new ArrayList<>();
    RuntimeException failure = null;
    String failedMachine = null;
    for (Machine m : targets) {
      if (failure != null) {
        outcomes.add(
            new MachineOutcome(
                m.id(),
                Status.SKIPPED,
                m.image(),
                Optional.of("not attempted: " + "the deploy stopped at machine " + failedMachine)));
        continue;
      }
      boolean configUpdated = false;
      try {
        Lease lease = machines.acquireLease(app, m.id(), leaseTtl, "fly-registry deploy " + image);
        try {
          Machine updated;
          try {
            updated = machines.updateImage(app, m.id(), image, lease);
          } catch (MachinesApiException e) {
            updated = appliedDespite(app, m, image, e).orElseThrow(() -> e);
          }
          configUpdated = true;
          machines.waitFor(app, m.id(), "started", updated.instanceId().orElse(null), waitTimeout);
        } finally {
          release(app, lease);
        }
        outcomes.add(new MachineOutcome(m.id(), Status.UPDATED, m.image(), Optional.empty()));
      } catch (RuntimeException e) {
        // any failure, typed or not, stops the deploy and is reported with the release marked
        // failed
        failure = e;
        failedMachine = m.id();
        outcomes.add(
            new MachineOutcome(
                m.id(),
                configUpdated ? Status.NOT_STARTED : Status.FAILED,
                m.image(),
                Optional.ofNullable(e.getMessage())));
      }
    }

    String status = failure == null ? "complete" : "failed";
    Optional<String> finished = Optional.of(status);
    try {
      Interrupts.setAside(() -> releases.finish(release.id(), status));
    } catch (RuntimeException e) {
      LOG.warn(
          "could not mark release {} of app {} as {}: {}",
          release.id(),
          app,
          status,
          e.getMessage());
      finished = Optional.empty();
    }
    DeployResult result =
        new DeployResult(
            app,
            image,
            Optional.of(release.id()),
            Optional.ofNullable(release.version()),
            finished,
            outcomes);
    if (failure != null) {
      throw new DeployFailedException(
          "deploy of "
              + image
              + " to app "
              + app
              + " failed at machine "
              + failedMachine
              + "; running the new image: "
              + result.updatedMachines()
              + ", not: "
              + result.notUpdatedMachines()
              + ": "
              + failure.getMessage(),
          result,
          failure);
    }
    return result;
  }

  /**
   * Finds out whether an update that ended in an error was applied all the same: an error status
   * other than a refusal (4xx, except 408), no answer at all, or an unreadable success leave it
   * open. The machine is read again: with the lease held, a new version whose configuration holds
   * the image is this update's.
   *
   * @return the machine as updated, or empty when the update was refused or is not known to have
   *     been applied
   */
  private Optional<Machine> appliedDespite(
      String app, Machine before, String image, MachinesApiException failure) {
    int code = failure.httpStatus();
    if (code >= 400 && code < 500 && code != 408) {
      return Optional.empty();
    }
    Optional<Machine> now;
    try {
      now = machines.get(app, before.id());
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      return Optional.empty();
    }
    Optional<Machine> applied =
        now.filter(
            n ->
                n.image().filter(image::equals).isPresent()
                    && n.instanceId().isPresent()
                    && before.instanceId().isPresent()
                    && !n.instanceId().equals(before.instanceId()));
    applied.ifPresent(
        n ->
            LOG.warn(
                "the update of machine {} was applied although it answered: {}",
                before.id(),
                failure.getMessage()));
    return applied;
  }

  private void release(String app, Lease lease) {
    try {
      Interrupts.setAside(() -> machines.releaseLease(app, lease));
    } catch (RuntimeException e) {
      // The lease expires by itself; a failed release must not hide the deploy's own outcome.
      LOG.warn("could not release the lease of machine {}: {}", lease.machineId(), e.getMessage());
    }
  }
}
