using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Tests.Identity;

/// <summary>Real TLS 1.3 handshakes over loopback with federation certificates on both sides.</summary>
public sealed class MutualTlsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FederationCa _ca = FederationCa.Create("acme", TimeSpan.FromDays(365));

    public void Dispose() => _ca.Dispose();

    [Fact]
    public async Task Handshake_BothSidesFromTheFederation_AuthenticatesEachWithItsIdentity()
    {
        using var server = Pki.IssueWithKey(_ca, new ParticipantIdentity(ParticipantRole.Appliance, "appliance"));
        using var client = Pki.IssueWithKey(_ca, new ParticipantIdentity(ParticipantRole.Custodian, "custodian-1"));

        var outcome = await Handshake(server, client);

        Assert.Null(outcome.ServerError);
        Assert.Null(outcome.ClientError);
        Assert.Equal(SslProtocols.Tls13, outcome.Protocol);
        Assert.Equal(new ParticipantIdentity(ParticipantRole.Custodian, "custodian-1"), outcome.ServerSaw!.Identity);
        Assert.Equal(new ParticipantIdentity(ParticipantRole.Appliance, "appliance"), outcome.ClientSaw!.Identity);
        Assert.Equal("pong", outcome.Reply);
    }

    [Fact]
    public async Task Handshake_ClientCertificateFromAnotherCa_IsRefusedByTheServer()
    {
        using var other = FederationCa.Create("acme", TimeSpan.FromDays(365));
        using var server = Pki.IssueWithKey(_ca, new ParticipantIdentity(ParticipantRole.Appliance, "appliance"));
        using var client = Pki.IssueWithKey(other, new ParticipantIdentity(ParticipantRole.Client, "alice"));

        var outcome = await Handshake(server, client);

        Assert.IsType<AuthenticationException>(outcome.ServerError);
        Assert.NotNull(outcome.ClientError);
        Assert.Null(outcome.Reply);
        Assert.Equal(FederationTrustFailure.NotIssuedByFederation, outcome.ServerSaw!.Failure);
    }

    [Fact]
    public async Task Handshake_ServerNotNamedForTheHostDialled_IsRefusedByTheClient()
    {
        using var server = Pki.IssueWithKey(_ca, new ParticipantIdentity(ParticipantRole.Appliance, "appliance"));
        using var client = Pki.IssueWithKey(_ca, new ParticipantIdentity(ParticipantRole.Client, "alice"));

        var outcome = await Handshake(server, client, targetHost: "appliance.example");

        Assert.IsType<AuthenticationException>(outcome.ClientError);
        Assert.NotNull(outcome.ServerError);
        Assert.Equal(FederationTrustFailure.TlsPolicyError, outcome.ClientSaw!.Failure);
    }

    private async Task<Outcome> Handshake(
        X509Certificate2 serverCertificate, X509Certificate2 clientCertificate, string targetHost = "localhost")
    {
        var trust = _ca.CreateTrust();
        using var timeout = new CancellationTokenSource(Timeout);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        FederationTrustResult? serverSaw = null;
        FederationTrustResult? clientSaw = null;

        async Task<Exception?> Serve()
        {
            try
            {
                using var socket = await listener.AcceptTcpClientAsync(timeout.Token);
                await using var tls = new SslStream(socket.GetStream());
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = serverCertificate,
                        ClientCertificateRequired = true,
                        EnabledSslProtocols = SslProtocols.Tls13,
                        RemoteCertificateValidationCallback = trust.CreateClientCertificateCallback(r => serverSaw = r),
                    },
                    timeout.Token);
                byte[] ping = new byte[4];
                await tls.ReadExactlyAsync(ping, timeout.Token);
                await tls.WriteAsync("pong"u8.ToArray(), timeout.Token);
                await tls.FlushAsync(timeout.Token);
                return null;
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return e;
            }
        }

        var serving = Serve();
        Exception? clientError = null;
        string? reply = null;
        SslProtocols protocol = SslProtocols.None;
        try
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await using var tls = new SslStream(socket.GetStream());
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = targetHost,
                    ClientCertificates = [clientCertificate],
                    EnabledSslProtocols = SslProtocols.Tls13,
                    RemoteCertificateValidationCallback = trust.CreateServerCertificateCallback(r => clientSaw = r),
                },
                timeout.Token);
            protocol = tls.SslProtocol;

            // In TLS 1.3 the client finishes before the server has judged its certificate;
            // a refusal shows up on the first read.
            await tls.WriteAsync("ping"u8.ToArray(), timeout.Token);
            byte[] pong = new byte[4];
            await tls.ReadExactlyAsync(pong, timeout.Token);
            reply = System.Text.Encoding.ASCII.GetString(pong);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            clientError = e;
        }

        return new Outcome(await serving, clientError, serverSaw, clientSaw, reply, protocol);
    }

    private sealed record Outcome(
        Exception? ServerError,
        Exception? ClientError,
        FederationTrustResult? ServerSaw,
        FederationTrustResult? ClientSaw,
        string? Reply,
        SslProtocols Protocol);
}
