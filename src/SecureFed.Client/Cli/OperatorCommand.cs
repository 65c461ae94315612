using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using SecureFed.Client.Transport;
using SecureFed.Crypto.Signatures;
using SecureFed.Privacy.Pipeline;
using SecureFed.Protocol;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Masking;

namespace SecureFed.Client.Cli;

/// <summary>
/// <c>securefed operator</c>: the security team's controls, under its operator certificate
/// (which is not enrolled): start the key ceremony, open a round with its DP settings, and
/// read the appliance's status. The appliance records each action in its ledger.
/// </summary>
internal static class OperatorCommand
{
    /// <summary>Bits of one client's value range on the DP grid; log2 of the clients is added.</summary>
    public const int ValueBits = 16;

    /// <summary>Builds the command tree.</summary>
    public static Command Create() => new("operator", "The security team's controls of the appliance.")
    {
        StartCeremony(),
        OpenRound(),
        Status(),
    };

    private static Command StartCeremony()
    {
        var connection = new ConnectionOptions();
        var custodians = new Option<string>("--custodians")
        {
            Description = "Names of enrolled custodians, comma-separated.",
        };
        var threshold = new Option<string>("--threshold")
        {
            Description = "Custodians needed to decrypt (t of the n named).",
        };
        var json = PkiOptions.Json();
        var command = new Command("start-ceremony", "Start the key ceremony among enrolled custodians.")
        {
            custodians, threshold, json,
        };
        connection.AddTo(command);
        command.SetAction((parse, cancellation) => Output.RunAsync(parse.GetValue(json), async () =>
        {
            string list = PkiOptions.Required(parse, custodians);
            string[] names = list.Split(',', StringSplitOptions.TrimEntries);
            foreach (string name in names)
            {
                if (ParticipantIdentity.NameProblem(name) is { } problem)
                {
                    throw new UsageException($"{custodians.Name}: '{name}': {problem}");
                }
            }

            if (names.Distinct(StringComparer.Ordinal).Count() != names.Length || names.Length < 2)
            {
                throw new UsageException($"{custodians.Name} must name at least two distinct custodians.");
            }

            int t = ClientOptions.Integer(parse, threshold, 1, names.Length);
            using var appliance = connection.Open(parse);
            var request = new StartCeremonyRequest { Threshold = (uint)t };
            request.CustodianNames.AddRange(names);
            var response = await appliance.Operator.StartCeremonyAsync(request, cancellationToken: cancellation);
            return new CeremonyStartedReport(
                Convert.ToHexStringLower(response.CeremonyId.Span), names, [.. response.CustodianIds], t);
        }, r => Console.WriteLine(
            $"Key ceremony {r.CeremonyId} started: {r.Threshold} of {string.Join(", ", r.Custodians)} "
            + $"(ids {string.Join(", ", r.CustodianIds)})")));
        return command;
    }

    private static Command OpenRound()
    {
        var connection = new ConnectionOptions();
        var mode = new Option<string>("--mode") { Description = "mask or he." };
        var clients = new Option<string>("--clients") { Description = "Most clients the round takes." };
        var minClients = new Option<string>("--min-clients")
        {
            Description = "Fewest clients for the round to complete (default: --clients).",
        };
        var dim = new Option<string>("--dim") { Description = "The model update's length (before padding)." };
        var dropoutRate = new Option<string>("--dropout-rate")
        {
            Description = "Mask mode: the fraction of clients that may drop out (default 0.05).",
        };
        var corruptRate = new Option<string>("--corrupt-rate")
        {
            Description = "Mask mode: the fraction of clients that may be corrupt (default 0.05).",
        };
        var bits = new Option<string>("--bits")
        {
            Description = $"The sum lives modulo 2^bits (default: {ValueBits} plus log2 of --clients).",
        };
        var stageTimeout = new Option<string>("--stage-timeout-ms")
        {
            Description = "Each stage's deadline in milliseconds (default: the appliance's).",
        };
        var joinTimeout = new Option<string>("--join-timeout-ms")
        {
            Description = "How long clients have to join, in milliseconds (default: the appliance's).",
        };
        var noise = new Option<string>("--noise")
        {
            Description = "discrete-gaussian (default) or skellam; Skellam's exact sampler slows with the "
                + "noise variance, past a few seconds per client for models of 100,000 values.",
        };
        var noiseMultiplier = new Option<string>("--noise-multiplier")
        {
            Description = "Central noise standard deviation over the clip norm (default 1).",
        };
        var clip = new Option<string>("--clip") { Description = "L2 clip norm of each update (default 1)." };
        var json = PkiOptions.Json();
        var command = new Command("open-round", "Open a round with distributed DP noise.")
        {
            mode, clients, minClients, dim, dropoutRate, corruptRate, bits, stageTimeout, joinTimeout, noise,
            noiseMultiplier, clip, json,
        };
        connection.AddTo(command);
        command.SetAction((parse, cancellation) => Output.RunAsync(parse.GetValue(json), async () =>
        {
            var protection = PkiOptions.Required(parse, mode) switch
            {
                "mask" => ProtectionMode.Mask,
                "he" => ProtectionMode.He,
                var other => throw new UsageException($"{mode.Name} must be mask or he, not '{other}'."),
            };
            int most = ClientOptions.Integer(parse, clients, 2, 10_000);
            int fewest = ClientOptions.Integer(parse, minClients, 2, most, fallback: most);
            int modelDimension = ClientOptions.Integer(parse, dim, 1, 1 << 24);
            int modulusBits = ClientOptions.Integer(
                parse, bits, 2, 62, fallback: ModulusBits.For(most, 1UL << ValueBits));
            int stage = ClientOptions.Integer(parse, stageTimeout, 100, 3_600_000, fallback: 0);
            int join = ClientOptions.Integer(parse, joinTimeout, 100, 3_600_000, fallback: 0);
            var (noiseKind, noiseName) = (parse.GetValue(noise) ?? "discrete-gaussian") switch
            {
                "skellam" => (DpSettings.Types.Noise.Skellam, "skellam"),
                "discrete-gaussian" => (DpSettings.Types.Noise.DiscreteGaussian, "discrete-gaussian"),
                var other => throw new UsageException(
                    $"{noise.Name} must be skellam or discrete-gaussian, not '{other}'."),
            };
            double dropout = ClientOptions.Fraction(parse, dropoutRate, 0.05);
            double corrupt = ClientOptions.Fraction(parse, corruptRate, 0.05);
            double z = ClientOptions.Positive(parse, noiseMultiplier, 1.0);
            double c = ClientOptions.Positive(parse, clip, 1.0);

            // The appliance derives the grid exactly so; deriving it here first turns a
            // setting that cannot fit into a message that names the option.
            DistributedNoiseParameters parameters;
            try
            {
                parameters = DistributedNoiseParameters.Compute(z, c, most, modulusBits, modelDimension);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new UsageException($"{bits.Name} {modulusBits} does not fit {most} clients: {e.Message}", e);
            }

            var request = new OpenRoundRequest
            {
                Mode = protection,
                Bits = (uint)modulusBits,
                MinClients = (uint)fewest,
                MaxClients = (uint)most,
                JoinTimeoutMs = (uint)join,
                StageTimeoutMs = (uint)stage,
                DropoutRate = dropout,
                CorruptRate = corrupt,
                Dp = new DpSettings
                {
                    Noise = noiseKind,
                    NoiseMultiplier = z,
                    Clip = c,
                    ExpectedClients = (uint)most,
                    RotationSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
                    ModelDimension = (uint)modelDimension,
                },
            };
            using var appliance = connection.Open(parse);
            var ledgerKey = await LedgerKeyAsync(appliance, cancellation).ConfigureAwait(false);
            var response = await appliance.Operator.OpenRoundAsync(request, cancellationToken: cancellation);
            var receipt = response.Receipt?.ToRecord()
                ?? throw new ProtocolViolationException("The appliance sent no receipt for the round.");
            if (!receipt.Verify(ledgerKey))
            {
                throw new ProtocolViolationException("The round's receipt does not verify against the ledger key.");
            }

            return new RoundOpenedReport(
                response.Round.Round,
                Convert.ToHexStringLower(response.Round.FederationId.Span),
                protection == ProtectionMode.Mask ? "mask" : "he",
                modelDimension,
                parameters.PaddedDimension,
                modulusBits,
                fewest,
                most,
                noiseName,
                z,
                c,
                most,
                parameters.Scale,
                parameters.LocalVariance,
                receipt.Entry.Index,
                true);
        }, r => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Round {r.Round} opened ({r.Mode}): {r.MinClients} to {r.MaxClients} clients, dimension "
            + $"{r.ModelDimension} (padded {r.Dimension}), {r.Bits} bits, {r.Noise} noise z={r.NoiseMultiplier:G4} "
            + $"clip={r.Clip:G4}; ledger entry {r.LedgerEntry} verified"))));
        return command;
    }

    private static Command Status()
    {
        var connection = new ConnectionOptions();
        var json = PkiOptions.Json();
        var command = new Command("status", "Counts, the current round and the privacy budget.") { json };
        connection.AddTo(command);
        command.SetAction((parse, cancellation) => Output.RunAsync(parse.GetValue(json), async () =>
        {
            using var appliance = connection.Open(parse);
            var s = await appliance.Operator.GetStatusAsync(new GetStatusRequest(), cancellationToken: cancellation);
            return new StatusReport(
                Convert.ToHexStringLower(s.FederationId.Span), s.FederationName, s.ClientsEnrolled,
                s.CustodiansEnrolled, s.LedgerEntries, s.RoundsCompleted, s.CurrentRound, s.CurrentStage,
                s.CollectiveKeyReady, s.EpsilonSpent, s.EpsilonLimit, s.Delta);
        }, PrintStatus));
        return command;
    }

    private static async Task<Ed25519PublicKey> LedgerKeyAsync(
        EnclaveConnection appliance, CancellationToken cancellation)
    {
        var info = await appliance.Federation.GetFederationAsync(
            new GetFederationRequest(), cancellationToken: cancellation);
        try
        {
            return Ed25519PublicKey.Import(info.LedgerPublicKey.Span);
        }
        catch (FormatException)
        {
            throw new ProtocolViolationException("The appliance's ledger key is not a valid Ed25519 key.");
        }
    }

    private static void PrintStatus(StatusReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"Federation {r.FederationName} ({r.FederationId})");
        Console.WriteLine($"  enrolled: {r.ClientsEnrolled} clients, {r.CustodiansEnrolled} custodians");
        Console.WriteLine($"  collective key: {(r.CollectiveKeyReady ? "ready" : "not yet")}");
        Console.WriteLine(
            $"  rounds completed: {r.RoundsCompleted}; current round {r.CurrentRound} ({r.CurrentStage})");
        Console.WriteLine(string.Create(
            c, $"  epsilon spent {r.EpsilonSpent:G6} of {r.EpsilonLimit:G6} at delta {r.Delta:G3}"));
        Console.WriteLine($"  ledger entries: {r.LedgerEntries}");
    }

    /// <summary>--enclave, --ca-cert, --cert and --key, and the operator connection they make.</summary>
    private sealed class ConnectionOptions
    {
        private readonly Option<string> _enclave = ClientOptions.Enclave();
        private readonly Option<string> _caCert = ClientOptions.CaCert();
        private readonly Option<string> _cert = ClientOptions.Cert();
        private readonly Option<string> _key = ClientOptions.Key();

        public void AddTo(Command command)
        {
            command.Options.Add(_enclave);
            command.Options.Add(_caCert);
            command.Options.Add(_cert);
            command.Options.Add(_key);
        }

        /// <summary>Checks the options and connects with the operator certificate.</summary>
        public EnclaveConnection Open(ParseResult parse)
        {
            var address = ClientOptions.EnclaveAddress(parse, _enclave);
            string caPath = ClientOptions.ExistingFile(parse, _caCert);
            string certificatePath = ClientOptions.ExistingFile(parse, _cert);
            string keyPath = ClientOptions.ExistingFile(parse, _key);
            var trust = EnrollCommand.Load(_caCert.Name, () => FederationTrust.FromPemFile(caPath));
            var certificate = EnrollCommand.Load(
                _cert.Name, () => CertificateFiles.LoadWithKey(certificatePath, keyPath));
            try
            {
                EnrollCommand.CheckCertificate(trust, certificate, _cert.Name, ParticipantRole.Operator);
                return EnclaveConnection.Open(address, certificate, trust);
            }
            catch
            {
                certificate.Dispose();
                throw;
            }
        }
    }
}
