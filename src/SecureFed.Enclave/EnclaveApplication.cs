// Composition of the appliance: Kestrel with a TLS 1.3 gRPC endpoint that asks every caller
// for a client certificate, a separate plain-HTTP metrics endpoint on loopback, the gRPC
// services behind the caller-authorization interceptor, the systemd integration and the
// appliance's state. `securefed-enclave run`, the tests and the simulator all build the
// appliance here, so they run the same thing.

using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using SecureFed.Crypto.Ckks;
using SecureFed.Enclave.Configuration;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Hosting;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Metrics;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Services;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave;

/// <summary>Builds the appliance's web application.</summary>
public static class EnclaveApplication
{
    /// <summary>
    /// Builds the appliance over an initialised state directory. <paramref name="logging"/>
    /// may add logging providers (the tests capture logs).
    /// </summary>
    /// <remarks>
    /// When systemd passed listening sockets (a socket-activated unit), the appliance serves
    /// on those and <see cref="EnclaveOptions.Listen"/> and
    /// <see cref="EnclaveOptions.MetricsListen"/> are not used; see
    /// <see cref="SystemdListenSockets"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// The state directory is not initialised, or systemd passed sockets the appliance does
    /// not take.
    /// </exception>
    public static WebApplication Build(EnclaveOptions options, Action<ILoggingBuilder>? logging = null) =>
        Build(options, SystemdListenSockets.FromEnvironment(), logging);

    /// <summary>Builds the appliance, serving on <paramref name="sockets"/> when given.</summary>
    internal static WebApplication Build(
        EnclaveOptions options, SystemdListenSockets? sockets, Action<ILoggingBuilder>? logging)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = options.StateDirectory;
        var database = EnclaveDatabase.Open(state, create: false);
        var facts = ApplianceState.LoadFacts(database);
        var ledger = new LedgerStore(database, ApplianceState.LoadLedgerKey(state));
        var trust = FederationTrust.FromPemFile(Path.Combine(state, ApplianceState.CaCertificateFile));
        var certificate = CertificateFiles.LoadWithKey(
            Path.Combine(state, ApplianceState.CertificateFile), Path.Combine(state, ApplianceState.KeyFile));
        RoundCoordinator.PollWindow = TimeSpan.FromSeconds(options.TaskPollSeconds);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        logging?.Invoke(builder.Logging);
        var listeners = ApplianceListeners.Resolve(options, sockets);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            listeners.ListenGrpc(kestrel, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificate,
                    SslProtocols = SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,

                    // The interceptor validates the certificate for every call against the
                    // federation CA alone, and answers a refusal with a gRPC status; a
                    // handshake failure here would tell the caller nothing.
                    ClientCertificateValidation = (_, _, _) => true,
                    CheckCertificateRevocation = false,
                });
            });
            listeners.ListenMetrics(kestrel, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(database);
        services.AddSingleton(facts);
        services.AddSingleton(ledger);
        services.AddSingleton(trust);
        services.AddSingleton(new ContributionSpool(state));
        services.AddSingleton(sp => new ParticipantRegistry(sp.GetRequiredService<EnclaveDatabase>()));
        services.AddSingleton(sp => new PrivacyBudget(facts.Delta, RoundRecords.CompletedRounds(database)));
        services.AddSecureFedMetrics();
        services.AddSingleton(new CkksContext(facts.CkksParameters));
        services.AddSingleton<RoundCoordinator>();
        services.AddSingleton<CeremonyCoordinatorService>();
        services.AddSingleton(sp => new RejectionCounter(
            reason => sp.GetRequiredService<EnclaveMetrics>().Rejected(RejectionNames.Of(reason))));
        services.AddSingleton<CallerAuthorizationInterceptor>();
        services.AddSingleton(new UploadGate(options.UploadGateWidth));
        services.AddSecureFedSystemd();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MessageLimits.MaxMessageBytes;
            grpc.MaxSendMessageSize = MessageLimits.MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<CallerAuthorizationInterceptor>();
        }).AddServiceOptions<CustodiansService>(custodians =>
        {
            custodians.MaxReceiveMessageSize = MessageLimits.MaxCeremonyMessageBytes;
            custodians.MaxSendMessageSize = MessageLimits.MaxCeremonyMessageBytes;
        });
        services.AddHostedService<RoundRecovery>();
        services.AddHostedService<RoundScheduler>();

        var app = builder.Build();
        app.MapGrpcService<FederationService>();
        app.MapGrpcService<RoundsService>();
        app.MapGrpcService<OperatorService>();
        app.MapGrpcService<CustodiansService>();
        if (listeners.MetricsPort is int metricsPort)
        {
            app.MapSecureFedMetrics(metricsPort);
        }

        app.Lifetime.ApplicationStopped.Register(() =>
        {
            ledger.Dispose();
            certificate.Dispose();
            database.Dispose();
        });
        return app;
    }
}
