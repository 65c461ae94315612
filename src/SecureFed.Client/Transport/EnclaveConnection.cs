// A gRPC channel to the appliance over TLS 1.3 with this participant's federation
// certificate. The appliance's certificate is checked against the federation CA alone
// (never the system's roots) and must carry the appliance role; the host name is checked
// as usual. Message sizes are capped on both ends (MessageLimits).

using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Transport;

/// <summary>An authenticated channel to the appliance, with a client for each service.</summary>
public sealed class EnclaveConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    private EnclaveConnection(GrpcChannel channel)
    {
        _channel = channel;
        Federation = new Federation.FederationClient(channel);
        Rounds = new Rounds.RoundsClient(channel);
        Custodians = new Custodians.CustodiansClient(channel);
        Operator = new Operator.OperatorClient(channel);
    }

    /// <summary>The enrollment and federation service.</summary>
    public Federation.FederationClient Federation { get; }

    /// <summary>The clients' round service.</summary>
    public Rounds.RoundsClient Rounds { get; }

    /// <summary>The custodians' service.</summary>
    public Custodians.CustodiansClient Custodians { get; }

    /// <summary>The operator's service.</summary>
    public Operator.OperatorClient Operator { get; }

    /// <summary>
    /// Opens a channel to <paramref name="address"/> (https://host:port) presenting
    /// <paramref name="certificate"/>, which must hold its private key.
    /// </summary>
    /// <param name="address">The appliance's address.</param>
    /// <param name="certificate">This participant's certificate, or null to present none.</param>
    /// <param name="trust">The federation CA the appliance's certificate must chain to.</param>
    public static EnclaveConnection Open(Uri address, X509Certificate2? certificate, FederationTrust trust)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(trust);
        if (address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("The appliance's address must be https://host:port.", nameof(address));
        }

        var ssl = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = trust.CreateServerCertificateCallback(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (certificate is not null)
        {
            ssl.ClientCertificates = [certificate];
        }

        var handler = new SocketsHttpHandler
        {
            SslOptions = ssl,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        };
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // The ceremony's messages are the largest the appliance sends or takes; it applies
            // the tighter limit to everything else itself.
            MaxReceiveMessageSize = MessageLimits.MaxCeremonyMessageBytes,
            MaxSendMessageSize = MessageLimits.MaxCeremonyMessageBytes,
        });
        return new EnclaveConnection(channel);
    }

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
