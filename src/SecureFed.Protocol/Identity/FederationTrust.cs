using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// What a participant trusts: the federation CA's certificate and nothing else. Checks a
/// presented leaf certificate by building its chain to that CA alone (RFC 5280 section 6
/// path validation, through <see cref="X509Chain"/> with
/// <see cref="X509ChainTrustMode.CustomRootTrust"/>), then checks the leaf against the
/// federation profile: not a CA, key usage digitalSignature, the extended key usages of its
/// role, and exactly one SecureFed identity URI.
/// </summary>
/// <remarks>
/// The system's root store is never consulted, and no certificate is fetched from the
/// network. Validation is for the TLS side it is used on: <see cref="ValidateClient"/> for
/// certificates a TLS server receives, <see cref="ValidateServer"/> for the appliance's
/// certificate as a TLS client sees it.
/// </remarks>
public sealed class FederationTrust
{
    private readonly X509Certificate2 _ca;
    private readonly TimeProvider _time;

    /// <summary>Trusts certificates issued by <paramref name="caCertificate"/>.</summary>
    /// <param name="caCertificate">The federation CA's certificate; its private key is not needed.</param>
    /// <param name="time">The clock for validity checks; the system clock when null.</param>
    /// <exception cref="ArgumentException">The certificate is not a certificate authority.</exception>
    public FederationTrust(X509Certificate2 caCertificate, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(caCertificate);
        if (FederationProfile.BasicConstraints(caCertificate) is not { CertificateAuthority: true })
        {
            throw new ArgumentException(
                $"'{caCertificate.Subject}' is not a certificate authority.", nameof(caCertificate));
        }

        _ca = X509CertificateLoader.LoadCertificate(caCertificate.RawData);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The trusted federation CA certificate.</summary>
    public X509Certificate2 CaCertificate => _ca;

    /// <summary>Trusts the CA certificate in a PEM file such as <c>ca.crt</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds no valid PEM certificate.</exception>
    /// <exception cref="ArgumentException">The certificate is not a certificate authority.</exception>
    public static FederationTrust FromPemFile(string path, TimeProvider? time = null)
    {
        using var certificate = CertificateFiles.LoadCertificate(path);
        return new FederationTrust(certificate, time);
    }

    /// <summary>
    /// Checks that <paramref name="presented"/> is a valid federation leaf certificate whose
    /// extended key usages are exactly those of its role, and returns the identity it names.
    /// </summary>
    /// <param name="presented">The leaf certificate.</param>
    /// <param name="extra">Other certificates the peer sent; they are never trusted as roots.</param>
    public FederationTrustResult Validate(
        X509Certificate2? presented, X509Certificate2Collection? extra = null)
    {
        if (presented is null)
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.NoCertificate, "No certificate was presented.");
        }

        if (CheckChain(presented, extra) is { } chainFailure)
        {
            return chainFailure;
        }

        if (FederationProfile.BasicConstraints(presented) is { CertificateAuthority: true })
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.IsCertificateAuthority,
                $"'{presented.Subject}' is a certificate authority, not a participant's certificate.");
        }

        if (FederationProfile.KeyUsage(presented) is not { } usage
            || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature)
            || usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.WrongKeyUsage,
                $"'{presented.Subject}' lacks key usage digitalSignature or may sign certificates.");
        }

        var (identity, identityFailure) = ReadIdentity(presented);
        if (identity is null)
        {
            return identityFailure!;
        }

        var expected = FederationProfile.UsagesOf(identity.Role);
        var actual = FederationProfile.ExtendedUsages(presented);
        if (!actual.SetEquals(expected))
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.WrongKeyUsage,
                $"The certificate of {identity} has extended key usages [{string.Join(", ", actual)}]; "
                + $"its role needs exactly [{string.Join(", ", expected)}].");
        }

        return FederationTrustResult.Accepted(identity);
    }

    /// <summary>
    /// Checks a certificate that a TLS client presented to a server: <see cref="Validate"/>,
    /// and the clientAuth usage, which every role has.
    /// </summary>
    public FederationTrustResult ValidateClient(
        X509Certificate2? presented, X509Certificate2Collection? extra = null)
    {
        var result = Validate(presented, extra);
        if (result.IsValid
            && !FederationProfile.ExtendedUsages(presented!).Contains(FederationProfile.ClientAuthOid))
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.WrongKeyUsage,
                $"The certificate of {result.Identity} is not for TLS client authentication.");
        }

        return result;
    }

    /// <summary>
    /// Checks a certificate that a TLS server presented to a client: <see cref="Validate"/>,
    /// the serverAuth usage, and the appliance role. The host name is checked by the TLS layer.
    /// </summary>
    public FederationTrustResult ValidateServer(
        X509Certificate2? presented, X509Certificate2Collection? extra = null)
    {
        var result = Validate(presented, extra);
        if (!result.IsValid)
        {
            return result;
        }

        if (result.Identity.Role != ParticipantRole.Appliance)
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.WrongRole,
                $"The server presented the certificate of {result.Identity}; only the appliance may serve.");
        }

        if (!FederationProfile.ExtendedUsages(presented!).Contains(FederationProfile.ServerAuthOid))
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.WrongKeyUsage,
                $"The certificate of {result.Identity} is not for TLS server authentication.");
        }

        return result;
    }

    /// <summary>
    /// A callback for the client side of TLS (<see cref="SslClientAuthenticationOptions"/>,
    /// or <c>SocketsHttpHandler.SslOptions</c> under gRPC) that accepts only the appliance's
    /// federation certificate. The host name is checked as usual: a name mismatch that the TLS
    /// layer reports is a refusal. The system's verdict on the chain is replaced by
    /// <see cref="ValidateServer"/>, since the system does not trust the federation CA.
    /// </summary>
    /// <param name="observe">Called with every result, for logging why a server was refused.</param>
    public RemoteCertificateValidationCallback CreateServerCertificateCallback(
        Action<FederationTrustResult>? observe = null) =>
        (_, certificate, chain, errors) =>
            Report(observe, CheckPeer(certificate, chain, errors, server: true)).IsValid;

    /// <summary>
    /// The same check as <see cref="CreateServerCertificateCallback"/>, shaped for
    /// <c>HttpClientHandler.ServerCertificateCustomValidationCallback</c>.
    /// </summary>
    /// <param name="observe">Called with every result, for logging why a server was refused.</param>
    public Func<HttpRequestMessage, X509Certificate2?, X509Chain?, SslPolicyErrors, bool>
        CreateHttpServerCertificateValidator(Action<FederationTrustResult>? observe = null) =>
        (_, certificate, chain, errors) =>
            Report(observe, CheckPeer(certificate, chain, errors, server: true)).IsValid;

    /// <summary>
    /// A callback for the server side of TLS (<see cref="SslServerAuthenticationOptions"/>)
    /// that accepts only federation participants' client certificates. Set
    /// <see cref="SslServerAuthenticationOptions.ClientCertificateRequired"/> as well.
    /// </summary>
    /// <param name="observe">Called with every result, for logging why a client was refused.</param>
    public RemoteCertificateValidationCallback CreateClientCertificateCallback(
        Action<FederationTrustResult>? observe = null) =>
        (_, certificate, chain, errors) =>
            Report(observe, CheckPeer(certificate, chain, errors, server: false)).IsValid;

    /// <summary>
    /// A function for Kestrel's <c>HttpsConnectionAdapterOptions.ClientCertificateValidation</c>
    /// (with <c>ClientCertificateMode.RequireCertificate</c>) that accepts only federation
    /// participants' client certificates. After the handshake, <see cref="ValidateClient"/>
    /// on the connection's client certificate gives the caller's identity.
    /// </summary>
    /// <param name="observe">Called with every result, for logging why a client was refused.</param>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool> CreateKestrelClientCertificateValidator(
        Action<FederationTrustResult>? observe = null) =>
        (certificate, chain, errors) =>
            Report(observe, CheckPeer(certificate, chain, errors, server: false)).IsValid;

    private FederationTrustResult CheckPeer(
        X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, bool server)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.NoCertificate, "The peer presented no certificate.");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.TlsPolicyError,
                $"The server's certificate '{certificate.Subject}' does not name the host that was dialled.");
        }

        // RemoteCertificateChainErrors is expected: the system does not trust the federation CA.
        var extra = chain?.ChainPolicy.ExtraStore;
        if (certificate is X509Certificate2 presented)
        {
            return server ? ValidateServer(presented, extra) : ValidateClient(presented, extra);
        }

        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return server ? ValidateServer(copy, extra) : ValidateClient(copy, extra);
    }

    private static FederationTrustResult Report(
        Action<FederationTrustResult>? observe, FederationTrustResult result)
    {
        observe?.Invoke(result);
        return result;
    }

    private FederationTrustResult? CheckChain(X509Certificate2 presented, X509Certificate2Collection? extra)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);

        // Limitation: no CRL or OCSP is checked yet; the federation has no revocation list,
        // so a stolen key stays usable until its certificate expires.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        if (extra is not null)
        {
            foreach (var certificate in extra)
            {
                chain.ChainPolicy.ExtraStore.Add(certificate);
            }
        }

        bool built;
        try
        {
            built = chain.Build(presented);
        }
        catch (CryptographicException e)
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.NotIssuedByFederation,
                $"The certificate chain cannot be built: {e.Message}");
        }

        var elements = chain.ChainElements;
        bool endsAtCa = elements.Count > 0
            && elements[^1].Certificate.RawData.AsSpan().SequenceEqual(_ca.RawData);
        if (built && endsAtCa)
        {
            return null;
        }

        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid) && endsAtCa)
        {
            var now = _time.GetUtcNow();
            bool early = elements.Cast<X509ChainElement>()
                .Any(e => e.Certificate.NotBefore.ToUniversalTime() > now);
            return early
                ? FederationTrustResult.Refused(
                    FederationTrustFailure.NotYetValid,
                    $"'{presented.Subject}' is valid only from {presented.NotBefore.ToUniversalTime():u}.")
                : FederationTrustResult.Refused(
                    FederationTrustFailure.Expired,
                    $"'{presented.Subject}' expired on {presented.NotAfter.ToUniversalTime():u}.");
        }

        if (flags.HasFlag(X509ChainStatusFlags.NotValidForUsage) && endsAtCa)
        {
            return FederationTrustResult.Refused(
                FederationTrustFailure.WrongKeyUsage, $"'{presented.Subject}' is not valid for its usage.");
        }

        string detail = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
        return FederationTrustResult.Refused(
            FederationTrustFailure.NotIssuedByFederation,
            $"'{presented.Subject}' was not issued by the federation CA '{_ca.Subject}' ({detail}).");
    }

    private static (ParticipantIdentity? Identity, FederationTrustResult? Failure) ReadIdentity(
        X509Certificate2 presented)
    {
        List<string> uris;
        try
        {
            uris = CertificateNames.SecureFedUris(CertificateNames.ReadUris(presented.Extensions));
        }
        catch (CryptographicException)
        {
            return (null, FederationTrustResult.Refused(
                FederationTrustFailure.MissingIdentity,
                $"'{presented.Subject}' has a malformed subject alternative name."));
        }

        if (uris.Count != 1)
        {
            return (null, FederationTrustResult.Refused(
                FederationTrustFailure.MissingIdentity,
                $"'{presented.Subject}' carries {uris.Count} SecureFed identity URIs; "
                + "exactly one is required."));
        }

        return ParticipantIdentity.TryParseUri(uris[0], out var identity, out string? problem)
            ? (identity, null)
            : (null, FederationTrustResult.Refused(
                FederationTrustFailure.MissingIdentity,
                $"'{presented.Subject}' carries a malformed identity: {problem}"));
    }
}
