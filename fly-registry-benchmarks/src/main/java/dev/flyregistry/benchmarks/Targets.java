package dev.flyregistry.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.IntFunction;

/**
 * The targets, computed from the samples of one run. Ratios are taken within each round
 * (clients are compared only with figures of the same round), then summarised by their median over
 * the rounds; a target is met when that median is on the right side of the threshold. Counts
 * (sockets, token requests) must hold in every round.
 */
final class Targets {
  static final String SDK = "SDK existsAll";
  static final String JIB = "jib-core";
  static final String SKOPEO = "skopeo inspect";
  static final String HEY_MIX = "hey mix";
  static final String BARE = "bare socket loop";

  /**
   * What hey's client names end with for its runs with a {@code kid}-only pull token (token mode):
   * {@code hey present (kid-only token)}, {@code hey mix (kid-only token)}.
   */
  static final String KID_ONLY = " (kid-only token)";

  /**
   * One target's outcome.
   *
   * @param name what the issue asks
   * @param measured the figure, formatted
   * @param met true, false, or null when it could not be computed
   * @param detail how it was computed, or why it could not be
   */
  record Outcome(String name, String measured, Boolean met, String detail) {}

  private final List<Sample> samples;
  private final int rounds;

  Targets(List<Sample> samples, int rounds) {
    this.samples = List.copyOf(samples);
    this.rounds = rounds;
  }

  List<Outcome> evaluate(List<String> modes) {
    List<Outcome> out = new ArrayList<>();
    for (String mode : modes) {
      Outcome ceiling =
          ratioAtLeast(
              "Bulk existence at its best concurrency ≥ 90% of the hey ceiling (" + mode + ")",
              r ->
                  best(r, "exists", mode, SDK, "checksPerSecond")
                      / value(r, "exists", mode, HEY_MIX, 0, "checksPerSecond"),
              0.90,
              true,
              "SDK best checks/s ÷ hey ceiling for the 50/50 mix, per round");
      if (Boolean.FALSE.equals(ceiling.met())) {
        ceiling =
            new Outcome(
                ceiling.name(),
                ceiling.measured(),
                false,
                ceiling.detail() + ". " + cpuContext(mode));
      }
      out.add(ceiling);
    }
    for (String mode : modes) {
      out.add(
          withBound(
              ratioAtLeast(
                  "≥ 1.3× jib-core's best throughput (" + mode + ")",
                  r ->
                      best(r, "exists", mode, SDK, "checksPerSecond")
                          / best(r, "exists", mode, JIB, "checksPerSecond"),
                  1.3,
                  false,
                  "SDK best checks/s ÷ jib-core best checks/s, per round"),
              r ->
                  value(r, "exists", mode, HEY_MIX, 0, "checksPerSecond")
                      / best(r, "exists", mode, JIB, "checksPerSecond"),
              "the registry's ceiling (hey, the 50/50 mix at its best concurrency)"));
      Outcome single =
          withBound(
              ratioAtLeast(
                  "≥ 1.5× jib-core's throughput at concurrency 1 (" + mode + ")",
                  r ->
                      value(r, "exists", mode, SDK, 1, "checksPerSecond")
                          / value(r, "exists", mode, JIB, 1, "checksPerSecond"),
                  1.5,
                  false,
                  "SDK ÷ jib-core checks/s at concurrency 1, per round"),
              r ->
                  value(r, "exists", mode, HEY_MIX, 1, "checksPerSecond")
                      / value(r, "exists", mode, JIB, 1, "checksPerSecond"),
              "hey at concurrency 1 (a minimal Go HTTP client over one kept-alive connection, the"
                  + " 50/50 mix)");
      out.add(
          withBound(
              single,
              r ->
                  value(r, "exists", mode, BARE, 1, "checksPerSecond")
                      / value(r, "exists", mode, JIB, 1, "checksPerSecond"),
              "the bare socket loop (no HTTP library, the same references)"));
      out.add(
          ratioAtMost(
              "≤ 40% of jib-core's client CPU time per check (" + mode + ")",
              r -> worstCpuRatio(r, mode),
              0.40,
              true,
              "SDK ÷ jib-core process CPU per check at each concurrency both ran; the worst ratio,"
                  + " per round"));
    }
    for (String mode : modes) {
      out.add(socketsTarget(mode));
    }
    out.add(tokenTarget("token"));
    return out;
  }

  /**
   * Why the concurrency-1 throughput target is missed in a mode, from this run's figures (medians
   * over rounds): the rates of the bare socket loop (the least a client can do per check), hey,
   * jib-core and the SDK one request at a time, and the rate the target needs. Empty when the
   * target is met or a figure is missing.
   */
  String concurrencyOneExplanation(String mode, double target) {
    List<Double> hey = new ArrayList<>();
    List<Double> bare = new ArrayList<>();
    List<Double> jib = new ArrayList<>();
    List<Double> sdk = new ArrayList<>();
    List<Double> sdkCpu = new ArrayList<>();
    List<Double> sdkVsJib = new ArrayList<>();
    List<Double> heyVsJib = new ArrayList<>();
    List<Double> bareVsJib = new ArrayList<>();
    List<Double> sdkVsHey = new ArrayList<>();
    List<Double> sdkVsBare = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double h = value(r, "exists", mode, HEY_MIX, 1, "checksPerSecond");
      double j = value(r, "exists", mode, JIB, 1, "checksPerSecond");
      double s = value(r, "exists", mode, SDK, 1, "checksPerSecond");
      if (Double.isNaN(h) || Double.isNaN(j) || Double.isNaN(s)) {
        continue;
      }
      hey.add(h);
      jib.add(j);
      sdk.add(s);
      sdkCpu.add(value(r, "exists", mode, SDK, 1, "cpuMicrosPerCheck"));
      sdkVsJib.add(s / j);
      heyVsJib.add(h / j);
      sdkVsHey.add(s / h);
      double b = value(r, "exists", mode, BARE, 1, "checksPerSecond");
      if (!Double.isNaN(b)) {
        bare.add(b);
        bareVsJib.add(b / j);
        sdkVsBare.add(s / b);
      }
    }
    if (sdkVsJib.isEmpty() || Stats.of(sdkVsJib).median() >= target) {
      return "";
    }
    boolean withBare = !bare.isEmpty();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "**Concurrency 1, %s.** One check at a time waits for the registry's answer before the"
                + " next is sent, so the registry's latency and each client's own work per request"
                + " set the pace. Rates (median over rounds): ",
            mode));
    if (withBare) {
      b.append(
          String.format(
              Locale.ROOT,
              "the bare socket loop (no HTTP library) %,.0f checks/s; ",
              Stats.of(bare).median()));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "hey, a minimal Go HTTP client on one kept-alive connection, %,.0f; jib-core %,.0f;"
                + " the SDK %,.0f, at %.0f µs of client CPU a check. Within each round (median"
                + " over rounds), the SDK gets %.0f%% of hey's rate",
            Stats.of(hey).median(),
            Stats.of(jib).median(),
            Stats.of(sdk).median(),
            Stats.of(sdkCpu).median(),
            100.0 * Stats.of(sdkVsHey).median()));
    if (withBare) {
      b.append(
          String.format(
              Locale.ROOT, " and %.0f%% of the bare loop's", 100.0 * Stats.of(sdkVsBare).median()));
    }
    double heyRatio = Stats.of(heyVsJib).median();
    double bareRatio = withBare ? Stats.of(bareVsJib).median() : Double.NaN;
    b.append(
        String.format(
            Locale.ROOT,
            "; over jib-core the SDK gets %.2f×, hey %.2f×%s. The target, %.1f×, is ",
            Stats.of(sdkVsJib).median(),
            heyRatio,
            withBare ? String.format(Locale.ROOT, ", the bare loop %.2f×", bareRatio) : "",
            target));
    if (heyRatio < target && (!withBare || bareRatio < target)) {
      b.append(
          withBare
              ? "beyond both reference clients here: on this registry and machine, no client of"
                  + " those measured gets its answers that much faster than jib-core one request"
                  + " at a time."
              : "beyond hey here.");
    } else if (heyRatio < target) {
      b.append(
          "beyond hey, so a general HTTP client does not reach it here; the bare loop, which does"
              + " little more per request than write the request and read the answer's headers,"
              + " does. What the SDK spends per request beyond that is its HTTP stack (OkHttp:"
              + " request, response and address objects with host canonicalisation, the"
              + " interceptor chain, header validation and encoding), on the critical path of every check when checks are sent one at a"
              + " time.");
    } else {
      b.append("within hey's reach, so the SDK's own work per request is what falls short.");
    }
    String wire = wireBudget(mode, target);
    if (!wire.isEmpty()) {
      b.append(' ').append(wire);
    }
    return b.toString();
  }

  /**
   * The concurrency-1 target in wire time (see {@link WireCapture}): per round, the time per check
   * the target allows the SDK ({@code jib-core's registry and client time ÷ target}), less the
   * registry's time for the SDK's requests, is what the SDK may spend of its own between an answer
   * and its next request; and with none at all, the ratio it would get. Empty without wire figures
   * for the SDK and jib-core.
   */
  String wireBudget(String mode, double target) {
    List<Double> sdkRegistry = new ArrayList<>();
    List<Double> sdkClient = new ArrayList<>();
    List<Double> jibRegistry = new ArrayList<>();
    List<Double> jibClient = new ArrayList<>();
    List<Double> bareClient = new ArrayList<>();
    List<Double> heyClient = new ArrayList<>();
    List<Double> budget = new ArrayList<>();
    List<Double> zeroClient = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double sr = value(r, "exists", mode, SDK, 1, "wireRegistryMicros");
      double sc = value(r, "exists", mode, SDK, 1, "wireClientMicros");
      double jr = value(r, "exists", mode, JIB, 1, "wireRegistryMicros");
      double jc = value(r, "exists", mode, JIB, 1, "wireClientMicros");
      if (Double.isNaN(sr) || Double.isNaN(sc) || Double.isNaN(jr) || Double.isNaN(jc)) {
        continue;
      }
      sdkRegistry.add(sr);
      sdkClient.add(sc);
      jibRegistry.add(jr);
      jibClient.add(jc);
      budget.add((jr + jc) / target - sr);
      zeroClient.add((jr + jc) / sr);
      double bc = value(r, "exists", mode, BARE, 1, "wireClientMicros");
      if (!Double.isNaN(bc)) {
        bareClient.add(bc);
      }
      double hc = value(r, "exists", mode, HEY_MIX, 1, "wireClientMicros");
      if (!Double.isNaN(hc)) {
        heyClient.add(hc);
      }
    }
    if (budget.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "On the wire (tcpdump's timestamps, means per check, median over rounds): the registry"
                + " took %,.0f µs to answer the SDK's HEAD and %,.0f µs jib-core's GET; between an"
                + " answer and the next request the SDK spent %,.0f µs, jib-core %,.0f",
            Stats.of(sdkRegistry).median(),
            Stats.of(jibRegistry).median(),
            Stats.of(sdkClient).median(),
            Stats.of(jibClient).median()));
    if (!heyClient.isEmpty()) {
      b.append(String.format(Locale.ROOT, ", hey %,.0f", Stats.of(heyClient).median()));
    }
    if (!bareClient.isEmpty()) {
      b.append(String.format(Locale.ROOT, ", the bare loop %,.0f", Stats.of(bareClient).median()));
    }
    Stats left = Stats.of(budget);
    Stats zero = Stats.of(zeroClient);
    b.append(
        String.format(
            Locale.ROOT,
            ". At %.1f× jib-core's rate, a check may take %s of the SDK's own time beyond the"
                + " registry's (%,.0f to %,.0f µs over rounds); a client that took no time at all"
                + " between answer and request would get %.2f× (%.2f–%.2f×).",
            target,
            left.median() > 0
                ? String.format(Locale.ROOT, "%,.0f µs", left.median())
                : "no time (" + String.format(Locale.ROOT, "%,.0f µs", left.median()) + ")",
            left.min(),
            left.max(),
            zero.median(),
            zero.min(),
            zero.max()));
    return b.toString();
  }

  /**
   * What the certificate in the token's header costs the registry, from hey's runs with the token
   * as served ({@code kid} and {@code x5c}) and with its {@code kid}-only twin, made back to back:
   * the ceiling of each and, at concurrency 1, the latency each check gains, set against jib-core's
   * time per check. Empty when the run has no {@code kid}-only figures.
   */
  String certificateCost(String mode) {
    List<Double> ceilingGain = new ArrayList<>();
    List<Double> ceilingKid = new ArrayList<>();
    List<Double> ceilingX5c = new ArrayList<>();
    List<Double> oneKid = new ArrayList<>();
    List<Double> oneX5c = new ArrayList<>();
    List<Double> latencyMicros = new ArrayList<>();
    List<Double> shareOfJib = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double x = value(r, "exists", mode, HEY_MIX, 0, "checksPerSecond");
      double k = value(r, "exists", mode, HEY_MIX + KID_ONLY, 0, "checksPerSecond");
      if (!Double.isNaN(x) && !Double.isNaN(k)) {
        ceilingX5c.add(x);
        ceilingKid.add(k);
        ceilingGain.add(k / x);
      }
      double x1 = value(r, "exists", mode, HEY_MIX, 1, "checksPerSecond");
      double k1 = value(r, "exists", mode, HEY_MIX + KID_ONLY, 1, "checksPerSecond");
      if (!Double.isNaN(x1) && !Double.isNaN(k1)) {
        oneX5c.add(x1);
        oneKid.add(k1);
        double micros = 1e6 / x1 - 1e6 / k1;
        latencyMicros.add(micros);
        double jib = value(r, "exists", mode, JIB, 1, "checksPerSecond");
        if (!Double.isNaN(jib)) {
          shareOfJib.add(micros / (1e6 / jib));
        }
      }
    }
    if (ceilingGain.isEmpty() && latencyMicros.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "**The certificate in the token (%s).** Every client's token carries the signing"
                + " certificate in its header (`x5c`), as the token service serves it; the"
                + " registry (distribution 2.8.2) parses it and verifies its chain on every"
                + " request. hey also ran with the same pull token without the certificate"
                + " (`kid` only, the rows marked%s), each such run back to back with its twin.",
            mode,
            KID_ONLY));
    if (!ceilingGain.isEmpty()) {
      Stats g = Stats.of(ceilingGain);
      b.append(
          String.format(
              Locale.ROOT,
              " The ceiling for the mix: %,.0f checks/s with `kid` only against %,.0f with the"
                  + " certificate (median over rounds), %.2f× (%.2f–%.2f×) within each round.",
              Stats.of(ceilingKid).median(),
              Stats.of(ceilingX5c).median(),
              g.median(),
              g.min(),
              g.max()));
    }
    if (!latencyMicros.isEmpty()) {
      Stats l = Stats.of(latencyMicros);
      b.append(
          String.format(
              Locale.ROOT,
              " At concurrency 1: %,.0f against %,.0f checks/s: the wait per check with the"
                  + " certificate less that without, %+.0f µs (%+.0f to %+.0f µs)",
              Stats.of(oneKid).median(),
              Stats.of(oneX5c).median(),
              l.median(),
              l.min(),
              l.max()));
      if (!shareOfJib.isEmpty()) {
        b.append(
            String.format(
                Locale.ROOT,
                ", %+.1f%% of jib-core's time per check there",
                100.0 * Stats.of(shareOfJib).median()));
      }
      b.append('.');
    }
    b.append(
        " A cost every client pays alike narrows every ratio over jib-core; the SDK and jib-core"
            + " were not measured with `kid`-only tokens.");
    return b.toString();
  }

  /**
   * A missed throughput ratio, with the same ratio of a reference client (hey, the bare socket
   * loop) in the same rounds beside it: how far a leaner client gets against jib-core here.
   */
  private Outcome withBound(Outcome o, IntFunction<Double> bound, String what) {
    if (!Boolean.FALSE.equals(o.met())) {
      return o;
    }
    List<Double> ratios = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double v = bound.apply(r);
      if (!Double.isNaN(v)) {
        ratios.add(v);
      }
    }
    if (ratios.isEmpty()) {
      return o;
    }
    Stats s = Stats.of(ratios);
    return new Outcome(
        o.name(),
        o.measured(),
        false,
        o.detail()
            + String.format(
                Locale.ROOT,
                ". In the same rounds, %s over jib-core: %.2f× (%.2f–%.2f×)",
                what,
                s.median(),
                s.min(),
                s.max()));
  }

  /**
   * Why a client can fall short of the ceiling on a small machine: the client's CPU per check (at
   * its best concurrency) against hey's, both taken from the registry's share of the cores.
   */
  private String cpuContext(String mode) {
    List<Double> sdk = new ArrayList<>();
    List<Double> hey = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double bestRate = best(r, "exists", mode, SDK, "checksPerSecond");
      double heyBest = value(r, "exists", mode, HEY_MIX, 0, "concurrency");
      for (Sample s : samples) {
        if (s.round() == r && s.measurement().equals("exists") && s.mode().equals(mode)) {
          if (s.client().equals(SDK) && s.get("checksPerSecond") == bestRate) {
            sdk.add(s.get("cpuMicrosPerCheck"));
          } else if (s.client().startsWith("hey ")
              && !s.client().endsWith(KID_ONLY)
              && s.concurrency() == heyBest
              && !Double.isNaN(s.get("cpuMicrosPerCheck"))) {
            hey.add(s.get("cpuMicrosPerCheck"));
          }
        }
      }
    }
    if (sdk.isEmpty() || hey.isEmpty()) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "Client CPU per check: SDK %.0f µs at its best concurrency, hey %.0f µs at the"
            + " ceiling's; with %d cores"
            + " shared by client and registry, the client's CPU is taken from the registry",
        Stats.of(sdk).median(),
        Stats.of(hey).median(),
        Runtime.getRuntime().availableProcessors());
  }

  /** SDK CPU per check ÷ jib-core's at each common concurrency; the largest ratio. */
  private double worstCpuRatio(int round, String mode) {
    double worst = Double.NaN;
    for (Sample s : samples) {
      if (s.round() == round
          && s.measurement().equals("exists")
          && s.mode().equals(mode)
          && s.client().equals(SDK)) {
        double jib = value(round, "exists", mode, JIB, s.concurrency(), "cpuMicrosPerCheck");
        if (!Double.isNaN(jib)) {
          double ratio = s.get("cpuMicrosPerCheck") / jib;
          worst = Double.isNaN(worst) ? ratio : Math.max(worst, ratio);
        }
      }
    }
    return worst;
  }

  private Outcome socketsTarget(String mode) {
    String name = "≤ concurrency + 4 sockets open after the checks (" + mode + ")";
    Sample worst = null;
    for (Sample s : samples) {
      if (s.measurement().equals("exists") && s.mode().equals(mode) && s.client().equals(SDK)) {
        if (worst == null
            || excess(s) > excess(worst)
            || (excess(s) == excess(worst) && s.get("sockets") > worst.get("sockets"))) {
          worst = s;
        }
      }
    }
    if (worst == null) {
      return new Outcome(name, "n/a", null, "no SDK existence samples");
    }
    return new Outcome(
        name,
        String.format(
            Locale.ROOT,
            "worst run: %d sockets at concurrency %d (round %d)",
            (long) worst.get("sockets"),
            worst.concurrency(),
            worst.round()),
        excess(worst) <= 4,
        "ESTABLISHED connections of the worker JVM to the registry port after existsAll, every"
            + " concurrency and round");
  }

  private static double excess(Sample s) {
    return s.get("sockets") - s.concurrency();
  }

  private Outcome tokenTarget(String mode) {
    String name = "One token request per repository scope for the whole run (" + mode + ")";
    double worst = Double.NaN;
    double scopes = Double.NaN;
    for (Sample s : samples) {
      if (s.measurement().equals("exists") && s.mode().equals(mode) && s.client().equals(SDK)) {
        double extra = s.get("tokenRequests") - BenchMain.REPOSITORIES;
        if (Double.isNaN(worst) || extra > worst) {
          worst = extra;
          scopes = s.get("tokenScopes");
        }
      }
    }
    if (Double.isNaN(worst)) {
      return new Outcome(name, "n/a", null, "no SDK samples in token mode");
    }
    return new Outcome(
        name,
        String.format(
            Locale.ROOT,
            "at most %d requests (%d distinct scopes) for %d repositories",
            (long) (worst + BenchMain.REPOSITORIES),
            (long) scopes,
            BenchMain.REPOSITORIES),
        worst <= 0,
        "requests the token issuer answered during each measured existsAll run (a fresh client"
            + " checking the whole list), the worst run");
  }

  Outcome ratioAtLeast(
      String name, IntFunction<Double> perRound, double threshold, boolean percent, String how) {
    return ratio(name, perRound, threshold, true, percent, how);
  }

  Outcome ratioAtMost(
      String name, IntFunction<Double> perRound, double threshold, boolean percent, String how) {
    return ratio(name, perRound, threshold, false, percent, how);
  }

  private Outcome ratio(
      String name,
      IntFunction<Double> perRound,
      double threshold,
      boolean atLeast,
      boolean percent,
      String how) {
    List<Double> values = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double v = perRound.apply(r);
      if (!Double.isNaN(v) && !Double.isInfinite(v)) {
        values.add(v);
      }
    }
    if (values.isEmpty()) {
      return new Outcome(name, "n/a", null, "not measured in this run");
    }
    Stats s = Stats.of(values);
    boolean met = atLeast ? s.median() >= threshold : s.median() <= threshold;
    String measured =
        percent
            ? new Stats(s.median() * 100, s.min() * 100, s.max() * 100, s.count()).format(1, "%")
            : s.format(2, "×");
    return new Outcome(name, measured, met, how);
  }

  double value(
      int round, String measurement, String mode, String client, int concurrency, String key) {
    for (Sample s : samples) {
      if (s.round() == round
          && s.measurement().equals(measurement)
          && s.mode().equals(mode)
          && s.client().equals(client)
          && s.concurrency() == concurrency) {
        return s.get(key);
      }
    }
    return Double.NaN;
  }

  double best(int round, String measurement, String mode, String client, String key) {
    OptionalDouble max =
        samples.stream()
            .filter(
                s ->
                    s.round() == round
                        && s.measurement().equals(measurement)
                        && s.mode().equals(mode)
                        && s.client().equals(client))
            .mapToDouble(s -> s.get(key))
            .filter(v -> !Double.isNaN(v))
            .max();
    return max.orElse(Double.NaN);
  }
}
