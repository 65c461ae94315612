using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// The federation certificate authority, run offline by the security team. It is a
/// self-signed ECDSA P-256 CA (RFC 5280: basic constraints CA with path length 0, critical;
/// key usage keyCertSign and cRLSign; subject key identifier) that issues one leaf
/// certificate per participant from a PKCS#10 request (RFC 2986), so participants' private
/// keys never leave the machine that made them.
/// </summary>
/// <remarks>
/// Issued certificates use SHA-256 signatures, a random 16-byte serial, an authority key
/// identifier, key usage digitalSignature (critical), the extended key usages of the role
/// (clientAuth; serverAuth and clientAuth for the appliance) and the participant's identity
/// URI as subject alternative name. Not-before is five minutes in the past to tolerate clock
/// skew, and no certificate outlives the CA.
/// </remarks>
public sealed class FederationCa : IDisposable
{
    /// <summary>The name of the CA certificate file in a CA directory.</summary>
    public const string CertificateFileName = "ca.crt";

    /// <summary>The name of the CA private key file in a CA directory.</summary>
    public const string KeyFileName = "ca.key";

    /// <summary>The longest validity of the CA itself.</summary>
    public static readonly TimeSpan MaxCaValidity = TimeSpan.FromDays(36_525);

    /// <summary>The longest validity of an issued certificate.</summary>
    public static readonly TimeSpan MaxCertificateValidity = TimeSpan.FromDays(3_660);

    private const string OrganizationOid = "2.5.4.10";

    private readonly ECDsa _key;
    private readonly TimeProvider _time;
    private bool _disposed;

    private FederationCa(X509Certificate2 certificate, ECDsa key, string federationName, TimeProvider time)
    {
        Certificate = certificate;
        FederationName = federationName;
        _key = key;
        _time = time;
    }

    /// <summary>The CA certificate, without its private key: what every participant trusts.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The federation's name, the organisation in every certificate's subject.</summary>
    public string FederationName { get; }

    /// <summary>Makes a new federation CA with a fresh P-256 key.</summary>
    /// <param name="federationName">The federation's name; follows the participant naming rules.</param>
    /// <param name="validity">
    /// How long the CA is valid, from now; at most <see cref="MaxCaValidity"/>.
    /// </param>
    /// <param name="time">The clock; the system clock when null.</param>
    /// <exception cref="ArgumentException">The name breaks the naming rules.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The validity is not positive or too long.</exception>
    public static FederationCa Create(string federationName, TimeSpan validity, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(federationName);
        if (ParticipantIdentity.NameProblem(federationName) is { } problem)
        {
            throw new ArgumentException("Federation name: " + problem, nameof(federationName));
        }

        CheckValidity(validity, MaxCaValidity, nameof(validity));
        time ??= TimeProvider.System;

        var subject = new X500DistinguishedNameBuilder();
        // The builder encodes in reverse order of adding: O then CN, as RFC 5280 examples do.
        subject.AddCommonName($"{federationName} federation CA");
        subject.AddOrganizationName(federationName);
        var name = subject.Build();

        var key = FederationProfile.NewKey();
        try
        {
            var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(
                X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
            var keyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
            request.CertificateExtensions.Add(keyId);
            request.CertificateExtensions.Add(
                X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId));

            var now = time.GetUtcNow();
            using var signed = request.Create(
                name,
                X509SignatureGenerator.CreateForECDsa(key),
                now - FederationProfile.ClockSkew,
                now + validity,
                FederationProfile.NewSerialNumber());
            var certificate = X509CertificateLoader.LoadCertificate(signed.RawData);
            return new FederationCa(certificate, key, federationName, time);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads a CA saved by <see cref="Save"/>.</summary>
    /// <param name="directory">The directory holding <c>ca.crt</c> and <c>ca.key</c>.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    /// <exception cref="FederationCaException">
    /// A file is missing or malformed, the key file may be read by others, the certificate is
    /// not a federation CA, or the key does not belong to it.
    /// </exception>
    public static FederationCa Load(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string certificatePath = Path.Combine(directory, CertificateFileName);
        string keyPath = Path.Combine(directory, KeyFileName);

        X509Certificate2 certificate;
        try
        {
            certificate = CertificateFiles.LoadCertificate(certificatePath);
            CertificateFiles.RequireOwnerOnly(keyPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new FederationCaException(
                $"Cannot load the federation CA from '{directory}': {e.Message}", e);
        }

        var key = ECDsa.Create();
        try
        {
            CheckIsFederationCa(certificate, certificatePath);
            ImportKey(key, keyPath);
            if (!FederationProfile.IsP256(certificate.PublicKey) || !KeyMatches(certificate, key))
            {
                throw new FederationCaException(
                    $"The key in '{keyPath}' does not belong to the certificate in '{certificatePath}'.");
            }

            string federationName = FederationNameOf(certificate)
                ?? throw new FederationCaException(
                    $"'{certificatePath}' names no valid federation in its subject organisation.");
            return new FederationCa(certificate, key, federationName, time ?? TimeProvider.System);
        }
        catch
        {
            key.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <c>ca.crt</c> (PEM, mode 0644) and <c>ca.key</c> (PKCS#8 PEM, mode 0600) into
    /// <paramref name="directory"/>, creating it (mode 0700) if needed. Existing files are
    /// never overwritten: if either exists, nothing is written.
    /// </summary>
    /// <exception cref="IOException">A CA file exists already or cannot be written.</exception>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ObjectDisposedException.ThrowIf(_disposed, this);

        string certificatePath = Path.Combine(directory, CertificateFileName);
        string keyPath = Path.Combine(directory, KeyFileName);
        foreach (string path in (string[])[certificatePath, keyPath])
        {
            if (File.Exists(path))
            {
                throw new IOException($"'{path}' exists already; a CA is never overwritten.");
            }
        }

        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite
                    | UnixFileMode.UserExecute);
            }
        }

        CertificateFiles.WritePrivateKey(keyPath, _key);
        try
        {
            CertificateFiles.WritePublic(certificatePath, Certificate.ExportCertificatePem());
        }
        catch
        {
            // A key without its certificate is no CA; leave the directory as it was.
            File.Delete(keyPath);
            throw;
        }
    }

    /// <summary>
    /// Issues a certificate for <paramref name="identity"/> from a PKCS#10 request, after
    /// checking the request's signature (proof that the requester holds the key), that its
    /// key is ECDSA P-256, and that it names no other SecureFed identity. Only the public key
    /// is taken from the request; subject and extensions are the CA's.
    /// </summary>
    /// <param name="csrPem">The PEM certificate signing request.</param>
    /// <param name="identity">The identity to certify, as checked by the security team.</param>
    /// <param name="validity">How long the certificate is valid; capped by the CA's expiry.</param>
    /// <param name="dnsNames">DNS names for an appliance certificate (for TLS hostname checks).</param>
    /// <param name="ipAddresses">IP addresses for an appliance certificate.</param>
    /// <returns>The certificate in PEM.</returns>
    /// <exception cref="CertificateRequestRejectedException">The request is refused.</exception>
    /// <exception cref="FederationCaException">The CA has expired or is not valid yet.</exception>
    /// <exception cref="ArgumentException">
    /// A DNS name is invalid, or host names are given for a role other than the appliance.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The validity is not positive or too long.</exception>
    public string Issue(
        string csrPem,
        ParticipantIdentity identity,
        TimeSpan validity,
        IReadOnlyList<string>? dnsNames = null,
        IReadOnlyList<IPAddress>? ipAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(csrPem);
        ArgumentNullException.ThrowIfNull(identity);
        CheckValidity(validity, MaxCertificateValidity, nameof(validity));
        var (dns, ip) = CertificateNames.CheckHostNames(dnsNames, ipAddresses);
        if (identity.Role != ParticipantRole.Appliance && (dns.Length > 0 || ip.Length > 0))
        {
            throw new ArgumentException(
                $"DNS names and IP addresses belong only in appliance certificates, not for {identity}.",
                nameof(dnsNames));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);

        var now = _time.GetUtcNow();
        var notBefore = Max(now - FederationProfile.ClockSkew, Certificate.NotBefore.ToUniversalTime());
        var notAfter = Min(now + validity, Certificate.NotAfter.ToUniversalTime());
        if (notAfter <= now)
        {
            throw new FederationCaException(
                $"The federation CA expired on {Certificate.NotAfter.ToUniversalTime():u}; make a new one.");
        }

        if (now < Certificate.NotBefore.ToUniversalTime())
        {
            throw new FederationCaException(
                $"The federation CA is valid only from {Certificate.NotBefore.ToUniversalTime():u}.");
        }

        var publicKey = CheckRequest(csrPem, identity);
        var request = new CertificateRequest(SubjectOf(identity), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var usages = new OidCollection();
        foreach (string oid in FederationProfile.UsagesOf(identity.Role))
        {
            usages.Add(new Oid(oid));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        request.CertificateExtensions.Add(CertificateNames.Build(identity, dns, ip));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, critical: false));

        using var certificate = Sign(request, notBefore, notAfter);
        return certificate.ExportCertificatePem();
    }

    /// <summary>The trust anchor that participants build from this CA's certificate.</summary>
    public FederationTrust CreateTrust() => new(Certificate);

    /// <summary>Clears the CA's private key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _key.Dispose();
        Certificate.Dispose();
    }

    /// <summary>Signs a prepared request as this CA, adding the authority key identifier.</summary>
    internal X509Certificate2 Sign(
        CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        return request.Create(
            Certificate.SubjectName,
            X509SignatureGenerator.CreateForECDsa(_key),
            notBefore,
            notAfter,
            FederationProfile.NewSerialNumber());
    }

    private static PublicKey CheckRequest(string csrPem, ParticipantIdentity identity)
    {
        CertificateRequest loaded;
        try
        {
            // The extensions are loaded only to look for identities; none is copied over.
            loaded = CertificateRequest.LoadSigningRequestPem(
                csrPem,
                HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException e)
        {
            throw new CertificateRequestRejectedException(
                "The certificate signing request is not a valid PKCS#10 request with a valid signature.", e);
        }

        if (!FederationProfile.IsP256(loaded.PublicKey))
        {
            throw new CertificateRequestRejectedException(
                "The certificate signing request's key is not an ECDSA P-256 key; only P-256 is accepted.");
        }

        List<string> uris;
        try
        {
            uris = CertificateNames.ReadUris(loaded.CertificateExtensions);
        }
        catch (CryptographicException e)
        {
            throw new CertificateRequestRejectedException(
                "The certificate signing request has a malformed subject alternative name.", e);
        }

        string expected = identity.ToUri();
        foreach (string uri in CertificateNames.SecureFedUris(uris))
        {
            if (!string.Equals(uri, expected, StringComparison.Ordinal))
            {
                throw new CertificateRequestRejectedException(
                    $"The certificate signing request names the identity '{uri}', not '{expected}'.");
            }
        }

        return loaded.PublicKey;
    }

    private X500DistinguishedName SubjectOf(ParticipantIdentity identity)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(identity.Name);
        subject.AddOrganizationName(FederationName);
        return subject.Build();
    }

    private static void CheckIsFederationCa(X509Certificate2 certificate, string path)
    {
        var constraints = FederationProfile.BasicConstraints(certificate);
        var usage = FederationProfile.KeyUsage(certificate);
        bool isCa = constraints is { CertificateAuthority: true }
            && usage is not null
            && usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign)
            && certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        if (!isCa)
        {
            throw new FederationCaException($"'{path}' is not a self-signed certificate authority.");
        }
    }

    private static void ImportKey(ECDsa key, string keyPath)
    {
        char[] pem;
        try
        {
            pem = CertificateFiles.ReadSecretText(keyPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new FederationCaException($"Cannot read the CA key '{keyPath}': {e.Message}", e);
        }

        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new FederationCaException(
                $"'{keyPath}' does not hold a valid ECDSA private key in PEM.", e);
        }
        finally
        {
            Array.Clear(pem);
        }
    }

    private static bool KeyMatches(X509Certificate2 certificate, ECDsa key)
    {
        using var certificateKey = certificate.GetECDsaPublicKey();
        return certificateKey is not null
            && certificateKey.ExportSubjectPublicKeyInfo().AsSpan()
                .SequenceEqual(key.ExportSubjectPublicKeyInfo());
    }

    private static string? FederationNameOf(X509Certificate2 certificate)
    {
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value != OrganizationOid)
            {
                continue;
            }

            string? value = rdn.GetSingleElementValue();
            return ParticipantIdentity.IsValidName(value) ? value : null;
        }

        return null;
    }

    private static void CheckValidity(TimeSpan validity, TimeSpan max, string parameter)
    {
        if (validity <= TimeSpan.Zero || validity > max)
        {
            throw new ArgumentOutOfRangeException(
                parameter, validity, $"The validity must be positive and at most {max.TotalDays} days.");
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
