using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Cli;

/// <summary>
/// <c>securefed pki</c>: the federation CA, run offline by the security team, and key
/// requests, made by each participant on its own machine so that no private key travels.
/// </summary>
internal static class PkiCommand
{
    private const int MaxCaDays = 36_500;

    private const int MaxCertificateDays = 3_650;

    /// <summary>Builds the command tree.</summary>
    public static Command Create() => new("pki", "The federation certificate authority.")
    {
        InitCa(),
        Request(),
        Issue(),
    };

    private static Command InitCa()
    {
        var dir = new Option<string>("--dir")
        {
            Description = "Directory for ca.crt and ca.key (created if missing).",
        };
        var name = new Option<string>("--name")
        {
            Description = "The federation's name: 1 to 64 of a-z, 0-9, '-', '.'.",
        };
        var days = PkiOptions.Days(3650, "Validity of the CA in days.");
        var json = PkiOptions.Json();
        var command = new Command("init-ca", "Make a new federation CA; never overwrites one.")
        {
            dir, name, days, json,
        };
        command.SetAction(parse => Output.Run(parse.GetValue(json), () =>
        {
            string directory = Path.GetFullPath(PkiOptions.Required(parse, dir));
            string federation = PkiOptions.Required(parse, name);
            if (ParticipantIdentity.NameProblem(federation) is { } problem)
            {
                throw new UsageException($"{name.Name}: {problem}");
            }

            var validity = PkiOptions.Validity(parse, days, MaxCaDays);
            using var ca = FederationCa.Create(federation, validity);
            ca.Save(directory);
            return new InitCaReport(
                federation,
                ca.Certificate.Subject,
                Path.Combine(directory, FederationCa.CertificateFileName),
                Path.Combine(directory, FederationCa.KeyFileName),
                Iso(ca.Certificate.NotBefore),
                Iso(ca.Certificate.NotAfter),
                Fingerprint(ca.Certificate));
        }, PrintInitCa));
        return command;
    }

    private static Command Request()
    {
        var role = PkiOptions.Role();
        var name = PkiOptions.Name();
        var outDir = new Option<string>("--out")
        {
            Description = "Directory for NAME.key and NAME.csr.",
        };
        var dns = PkiOptions.Dns();
        var ip = PkiOptions.Ip();
        var json = PkiOptions.Json();
        var command = new Command(
            "request", "Make a private key here and a certificate signing request for it.")
        {
            role, name, outDir, dns, ip, json,
        };
        command.SetAction(parse => Output.Run(parse.GetValue(json), () =>
        {
            var identity = PkiOptions.Identity(parse, role, name);
            string directory = Path.GetFullPath(PkiOptions.Required(parse, outDir));
            var (dnsNames, addresses) = PkiOptions.HostNames(parse, dns, ip, identity);
            string keyPath = Path.Combine(directory, identity.Name + ".key");
            string csrPath = Path.Combine(directory, identity.Name + ".csr");
            foreach (string path in (string[])[keyPath, csrPath])
            {
                if (File.Exists(path))
                {
                    throw new UsageException(
                        $"{outDir.Name}: '{path}' exists already; it is never overwritten.");
                }
            }

            using var request = ParticipantKeyRequest.Create(identity, dnsNames, addresses);
            PkiOptions.EnsurePrivateDirectory(directory);
            request.WritePrivateKey(keyPath);
            try
            {
                request.WriteCsr(csrPath);
            }
            catch
            {
                File.Delete(keyPath);
                throw;
            }

            return new KeyRequestReport(identity.ToUri(), keyPath, csrPath);
        }, PrintRequest));
        return command;
    }

    private static Command Issue()
    {
        var caDir = new Option<string>("--ca")
        {
            Description = "The CA directory holding ca.crt and ca.key.",
        };
        var csr = new Option<string>("--csr")
        {
            Description = "The participant's certificate signing request (PEM).",
        };
        var role = PkiOptions.Role();
        var name = PkiOptions.Name();
        var outFile = new Option<string>("--out")
        {
            Description = "File for the certificate (PEM); must not exist.",
        };
        var days = PkiOptions.Days(365, "Validity of the certificate in days; capped by the CA's.");
        var dns = PkiOptions.Dns();
        var ip = PkiOptions.Ip();
        var json = PkiOptions.Json();
        var command = new Command("issue", "Issue a participant's certificate from its request.")
        {
            caDir, csr, role, name, outFile, days, dns, ip, json,
        };
        command.SetAction(parse => Output.Run(parse.GetValue(json), () =>
        {
            string caPath = PkiOptions.Required(parse, caDir);
            string csrPath = PkiOptions.Required(parse, csr);
            var identity = PkiOptions.Identity(parse, role, name);
            string certificatePath = Path.GetFullPath(PkiOptions.Required(parse, outFile));
            var validity = PkiOptions.Validity(parse, days, MaxCertificateDays);
            var (dnsNames, addresses) = PkiOptions.HostNames(parse, dns, ip, identity);
            if (!File.Exists(csrPath))
            {
                throw new UsageException($"{csr.Name}: file '{csrPath}' does not exist.");
            }

            if (File.Exists(certificatePath))
            {
                throw new UsageException(
                    $"{outFile.Name}: '{certificatePath}' exists already; it is never overwritten.");
            }

            string csrPem = ReadCsr(csrPath, csr.Name);
            using var ca = FederationCa.Load(caPath);
            string pem = ca.Issue(csrPem, identity, validity, dnsNames, addresses);
            CertificateFiles.WritePublic(certificatePath, pem);

            using var certificate = X509Certificate2.CreateFromPem(pem);
            return new IssuedCertificateReport(
                identity.ToUri(),
                certificatePath,
                certificate.SerialNumber,
                Iso(certificate.NotBefore),
                Iso(certificate.NotAfter),
                dnsNames,
                addresses.Select(a => a.ToString()).ToArray(),
                Fingerprint(certificate));
        }, PrintIssue));
        return command;
    }

    private static string ReadCsr(string path, string option)
    {
        var info = new FileInfo(path);
        if (info.Length > CertificateFiles.MaxPemFileBytes)
        {
            throw new UsageException(
                $"{option}: '{path}' is {info.Length} bytes, too large for a request.");
        }

        return File.ReadAllText(path);
    }

    private static void PrintInitCa(InitCaReport r)
    {
        Console.WriteLine($"Federation CA '{r.Federation}' created: {r.Subject}");
        Console.WriteLine($"  certificate: {r.Certificate}");
        Console.WriteLine($"  private key: {r.Key} (mode 0600; keep this machine offline)");
        Console.WriteLine($"  valid {r.NotBefore} to {r.NotAfter}");
        Console.WriteLine($"  SHA-256 fingerprint: {r.Sha256Fingerprint}");
    }

    private static void PrintRequest(KeyRequestReport r)
    {
        Console.WriteLine($"Key and request made for {r.Identity}");
        Console.WriteLine($"  private key: {r.Key} (mode 0600; never send it)");
        Console.WriteLine($"  request:     {r.Csr} (send this to the security team)");
    }

    private static void PrintIssue(IssuedCertificateReport r)
    {
        Console.WriteLine($"Certificate issued for {r.Identity}: {r.Certificate}");
        Console.WriteLine($"  serial {r.Serial}, valid {r.NotBefore} to {r.NotAfter}");
        if (r.DnsNames.Count > 0 || r.IpAddresses.Count > 0)
        {
            Console.WriteLine($"  hosts: {string.Join(", ", r.DnsNames.Concat(r.IpAddresses))}");
        }

        Console.WriteLine($"  SHA-256 fingerprint: {r.Sha256Fingerprint}");
    }

    private static string Iso(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
}
