using System.Net;

namespace SecureFed.Enclave.Configuration;

/// <summary>
/// The appliance's settings, from (in rising precedence) the built-in defaults,
/// <c>/etc/securefed/enclave.json</c> (section <c>Enclave</c>), environment variables
/// prefixed <c>SECUREFED_</c> (for example <c>SECUREFED_Enclave__Listen</c>) and the
/// command line. The defaults are the secure ones: loopback only, TLS 1.3 with client
/// certificates, metrics on loopback.
/// </summary>
public sealed class EnclaveOptions
{
    /// <summary>Name of the configuration section.</summary>
    public const string Section = "Enclave";

    /// <summary>The default configuration file.</summary>
    public const string DefaultConfigFile = "/etc/securefed/enclave.json";

    /// <summary>The state directory (see <c>ApplianceState</c>).</summary>
    public string StateDirectory { get; set; } = "/var/lib/securefed";

    /// <summary>Address and port of the gRPC endpoint (TLS 1.3, client certificates).</summary>
    public string Listen { get; set; } = "127.0.0.1:7443";

    /// <summary>Address and port of the plain-HTTP Prometheus endpoint; empty turns it off.</summary>
    public string MetricsListen { get; set; } = "127.0.0.1:9464";

    /// <summary>How long a task poll waits before answering that there is none, in seconds.</summary>
    public int TaskPollSeconds { get; set; } = 20;

    /// <summary>
    /// Uploads read and added at the same time; 0 means one per processor. Each takes memory
    /// for one whole contribution, so this bounds the appliance's memory, not the clients.
    /// </summary>
    public int MaxConcurrentUploads { get; set; }

    /// <summary>The width of the upload gate that <see cref="MaxConcurrentUploads"/> asks for.</summary>
    public int UploadGateWidth => MaxConcurrentUploads > 0 ? MaxConcurrentUploads : Environment.ProcessorCount;

    /// <summary>Rounds the appliance opens by itself; off by default.</summary>
    public RoundScheduleOptions Schedule { get; set; } = new();

    /// <summary>Parses an "address:port" setting.</summary>
    /// <exception cref="FormatException">The setting is not an IP address and port.</exception>
    public static IPEndPoint ParseEndpoint(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new FormatException(
                $"{name} must be an IP address and a port, such as 127.0.0.1:7443, not '{value}'.");
    }
}
