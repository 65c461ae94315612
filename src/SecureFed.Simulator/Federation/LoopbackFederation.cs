// A whole federation in one process, over the real network stack: a federation CA, the
// appliance (the same EnclaveApplication that `securefed-enclave run` hosts) listening on
// a loopback port with TLS 1.3 and client certificates, and participants that each hold
// their own certificate and connection. Nothing is shortcut: every call is gRPC over
// HTTP/2 with mutual TLS, and every participant enrolls as a real one would.

using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SecureFed.Client.Participation;
using SecureFed.Client.Transport;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Enclave;
using SecureFed.Enclave.Configuration;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Simulator.Federation;

/// <summary>A CA, an appliance on loopback and the participants that talk to it.</summary>
public sealed class LoopbackFederation : IAsyncDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly EnclaveOptions _options;
    private WebApplication _appliance;
    private readonly List<SimulatedParticipant> _participants = [];

    private LoopbackFederation(
        string directory,
        bool ownsDirectory,
        FederationCa ca,
        EnclaveOptions options,
        WebApplication appliance,
        Uri address,
        byte[] federationId)
    {
        _options = options;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        Ca = ca;
        _appliance = appliance;
        Address = address;
        FederationId = federationId;
        Trust = ca.CreateTrust();
    }

    /// <summary>The federation CA (held here only because this is a simulation).</summary>
    public FederationCa Ca { get; }

    /// <summary>What every participant trusts.</summary>
    public FederationTrust Trust { get; }

    /// <summary>The appliance's address.</summary>
    public Uri Address { get; }

    /// <summary>The federation's id.</summary>
    public byte[] FederationId { get; }

    /// <summary>The appliance's state directory.</summary>
    public string StateDirectory => Path.Combine(_directory, "appliance");

    /// <summary>
    /// Creates the CA and the appliance's state in <paramref name="directory"/> (a new
    /// temporary directory when null, removed on dispose) and starts the appliance.
    /// <paramref name="configure"/> may change the appliance's settings before it starts.
    /// </summary>
    public static async Task<LoopbackFederation> StartAsync(
        string? directory = null, double epsilonLimit = 10, double delta = 1e-5, int ringDegree = 8192,
        int taskPollSeconds = 5, Action<EnclaveOptions>? configure = null)
    {
        bool owns = directory is null;
        directory ??= Directory.CreateTempSubdirectory("securefed-sim-").FullName;
        var ca = FederationCa.Create("simulated-federation", TimeSpan.FromDays(365));
        string pki = Path.Combine(directory, "pki");
        Directory.CreateDirectory(pki);
        File.WriteAllText(Path.Combine(pki, "ca.crt"), ca.Certificate.ExportCertificatePem());

        var applianceIdentity = new ParticipantIdentity(ParticipantRole.Appliance, "appliance");
        using (var request = ParticipantKeyRequest.Create(applianceIdentity, ["localhost"], [IPAddress.Loopback]))
        {
            string pem = ca.Issue(request.CsrPem, applianceIdentity, Validity, ["localhost"], [IPAddress.Loopback]);
            File.WriteAllText(Path.Combine(pki, "appliance.crt"), pem);
            request.WritePrivateKey(Path.Combine(pki, "appliance.key"));
        }

        string state = Path.Combine(directory, "appliance");
        var facts = ApplianceState.Initialize(
            state, Path.Combine(pki, "ca.crt"), Path.Combine(pki, "appliance.crt"),
            Path.Combine(pki, "appliance.key"), epsilonLimit, delta, ringDegree);

        int port = FreeLoopbackPort();
        var options = new EnclaveOptions
        {
            StateDirectory = state,
            Listen = $"127.0.0.1:{port}",
            MetricsListen = string.Empty,
            TaskPollSeconds = taskPollSeconds,
        };
        configure?.Invoke(options);
        var appliance = await StartApplianceAsync(options).ConfigureAwait(false);
        return new LoopbackFederation(
            directory, owns, ca, options, appliance, new Uri($"https://127.0.0.1:{port}"), facts.Id);
    }

    /// <summary>
    /// Stops the appliance as a service stop would and starts it again over the same state
    /// directory and port. Participants keep their connections, which reconnect.
    /// </summary>
    public async Task RestartApplianceAsync()
    {
        await _appliance.StopAsync().ConfigureAwait(false);
        await _appliance.DisposeAsync().ConfigureAwait(false);
        _appliance = await StartApplianceAsync(_options).ConfigureAwait(false);
    }

    /// <summary>
    /// Enrolls <paramref name="custodians"/> custodians, has <paramref name="operatorClient"/>
    /// start a <paramref name="threshold"/>-of-n key ceremony among them, runs it, and leaves
    /// every custodian answering decryption requests until <paramref name="stop"/> is
    /// cancelled. Returns the custodians' serving loops, which end after the cancellation.
    /// </summary>
    public async Task<IReadOnlyList<Task>> HoldCeremonyAsync(
        SimulatedParticipant operatorClient, int custodians, int threshold, CkksContext ckks,
        CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(operatorClient);
        ArgumentNullException.ThrowIfNull(ckks);
        var enrolled = await Task.WhenAll(Enumerable.Range(1, custodians)
            .Select(i => EnrollAsync(ParticipantRole.Custodian, $"custodian-{i}", stop)))
            .ConfigureAwait(false);
        var start = new StartCeremonyRequest { Threshold = (uint)threshold };
        start.CustodianNames.AddRange(enrolled.Select(c => c.Identity.Name));
        await operatorClient.Connection.Operator.StartCeremonyAsync(start, cancellationToken: stop);
        var keyStates = await Task.WhenAll(enrolled.Select(c => CustodianRunner.RunCeremonyAsync(
            c.Connection.Custodians, c.Credentials!, ckks, stop))).ConfigureAwait(false);
        return [.. enrolled.Select((custodian, i) => ServeAsync(
            custodian,
            keyStates[i] ?? throw new InvalidOperationException("A custodian saw no ceremony."),
            stop))];
    }

    // A custodian answers decryption requests round after round until the federation stops.
    private static async Task ServeAsync(
        SimulatedParticipant custodian, CustodianKeyState keyState, CancellationToken stop)
    {
        byte[] served = [];
        using (keyState)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await CustodianRunner.ServeOnceAsync(
                        custodian.Connection.Custodians, custodian.Credentials!, keyState, minimumContributors: 2,
                        served, record => served = record, stop).ConfigureAwait(false);
                }
                catch (Exception error) when (stop.IsCancellationRequested
                    && error is OperationCanceledException or Grpc.Core.RpcException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Writes what an auditor receives: <paramref name="operatorClient"/> fetches the ledger
    /// export over gRPC (as <c>securefed-enclave ledger export</c> writes it) to
    /// <paramref name="directory"/>/ledger.json, and the contributions directory of its
    /// completed rounds (as <c>--contributions</c> writes it) goes to
    /// <paramref name="directory"/>/contributions. Returns the export.
    /// </summary>
    public async Task<LedgerExport> ExportAuditEvidenceAsync(
        SimulatedParticipant operatorClient, string directory, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(operatorClient);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        byte[] bytes = await HeRoundParticipant.DownloadAsync(
            operatorClient.Connection.Operator.ExportLedger(new ExportLedgerRequest(), cancellationToken: cancellation),
            cancellation).ConfigureAwait(false);
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, "ledger.json"), bytes, cancellation)
            .ConfigureAwait(false);
        var export = LedgerExport.Deserialize(System.Text.Encoding.UTF8.GetString(bytes));
        ContributionExport.Write(StateDirectory, export.Entries, Path.Combine(directory, "contributions"));
        return export;
    }

    /// <summary>Issues a certificate for a new participant and connects it; it is not enrolled yet.</summary>
    public SimulatedParticipant Connect(ParticipantRole role, string name)
    {
        var identity = new ParticipantIdentity(role, name);
        using var request = ParticipantKeyRequest.Create(identity);
        var certificate = request.WithCertificate(Ca.Issue(request.CsrPem, identity, Validity));
        var participant = new SimulatedParticipant(
            identity, certificate, EnclaveConnection.Open(Address, certificate, Trust));
        lock (_participants)
        {
            _participants.Add(participant);
        }

        return participant;
    }

    /// <summary>Connects a new client or custodian and enrolls its fresh signing key.</summary>
    public async Task<SimulatedParticipant> EnrollAsync(
        ParticipantRole role, string name, CancellationToken cancellation = default)
    {
        var participant = Connect(role, name);
        var signingKey = Ed25519PrivateKey.Generate();
        byte[] signature = EnrollmentStatement.Sign(
            participant.Certificate, FederationId, participant.Identity, signingKey.PublicKey.Bytes.Span);
        var response = await participant.Connection.Federation.EnrollAsync(
            new EnrollRequest
            {
                FederationId = ByteString.CopyFrom(FederationId),
                SigningPublicKey = ByteString.CopyFrom(signingKey.PublicKey.Bytes.Span),
                CertificateSignature = ByteString.CopyFrom(signature),
            },
            cancellationToken: cancellation);
        participant.SigningKey = signingKey;
        participant.Credentials = new ParticipantCredentials(FederationId, response.ParticipantId, signingKey, Trust);
        return participant;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_participants)
        {
            foreach (var participant in _participants)
            {
                participant.Dispose();
            }

            _participants.Clear();
        }

        await _appliance.StopAsync().ConfigureAwait(false);
        await _appliance.DisposeAsync().ConfigureAwait(false);
        Ca.Dispose();
        if (_ownsDirectory)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<WebApplication> StartApplianceAsync(EnclaveOptions options)
    {
        var appliance = EnclaveApplication.Build(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await appliance.StartAsync().ConfigureAwait(false);
        return appliance;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
