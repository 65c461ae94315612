// The sd_notify protocol (systemd, sd_notify(3) and sd_watchdog_enabled(3)): the service
// sends one datagram per notification to the AF_UNIX datagram socket named by
// $NOTIFY_SOCKET. The payload is a list of VARIABLE=VALUE assignments separated by
// newlines (READY=1, STOPPING=1, WATCHDOG=1, STATUS=free text). An address beginning with
// '@' names a socket in the Linux abstract namespace, where the '@' stands for a leading
// NUL byte. The manager learns the sender's pid from the credentials the kernel attaches
// (it enables SO_PASSCRED on its end), so the service attaches nothing itself. systemd
// reads at most PIPE_BUF (4096) bytes of one notification.
//
// Microsoft.Extensions.Hosting.Systemd only notifies when it believes it runs under
// systemd, which it decides from /proc; with ProtectProc=invisible it decides wrongly and
// stays silent. This notifier depends on $NOTIFY_SOCKET alone, as libsystemd does.

using System.Net.Sockets;
using System.Text;

namespace SecureFed.Enclave.Hosting;

/// <summary>Sends sd_notify notifications to the service manager.</summary>
/// <remarks>
/// Inactive, and every notification a no-op, when <c>NOTIFY_SOCKET</c> is unset. A failed
/// send is logged at Warning and reported by the return value; it never throws, because a
/// notification that does not arrive must not take the appliance down (a missed watchdog
/// ping is systemd's to act on). Safe to use from several threads.
/// </remarks>
public sealed class SystemdNotifier
{
    /// <summary>The environment variable that names the notification socket.</summary>
    public const string NotifySocketVariable = "NOTIFY_SOCKET";

    /// <summary>The most bytes systemd reads of one notification (PIPE_BUF).</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>STATUS= texts are cut to this many characters.</summary>
    public const int MaxStatusLength = 512;

    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(1);

    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates a notifier for the socket that <paramref name="environment"/> names under
    /// <see cref="NotifySocketVariable"/>.
    /// </summary>
    /// <param name="environment">
    /// Looks up an environment variable, returning null when it is unset; in production
    /// <see cref="Environment.GetEnvironmentVariable(string)"/>.
    /// </param>
    /// <param name="logger">Receives failures; never the contents of a STATUS.</param>
    /// <remarks>
    /// An address that cannot be used (neither a path nor '@', too long for sun_path) makes
    /// the notifier inactive and is logged at Warning; it does not throw.
    /// </remarks>
    public SystemdNotifier(Func<string, string?> environment, ILogger<SystemdNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;

        string? address = environment(NotifySocketVariable);
        if (string.IsNullOrEmpty(address))
        {
            return;
        }

        _endPoint = ParseAddress(address, out string? problem);
        if (_endPoint is null)
        {
            HostingLog.NotifySocketUnusable(_logger, problem!);
        }
        else
        {
            HostingLog.NotifySocketFound(_logger, address);
        }
    }

    /// <summary>Whether notifications are sent (<c>NOTIFY_SOCKET</c> names a usable socket).</summary>
    public bool IsActive => _endPoint is not null;

    /// <summary>Tells the manager that start-up has finished (READY=1).</summary>
    /// <param name="status">An optional STATUS= text sent in the same datagram.</param>
    /// <returns>Whether the datagram was sent.</returns>
    public bool NotifyReady(string? status = null) => Notify(WithStatus("READY=1", status));

    /// <summary>Tells the manager that shutdown has begun (STOPPING=1).</summary>
    /// <param name="status">An optional STATUS= text sent in the same datagram.</param>
    /// <returns>Whether the datagram was sent.</returns>
    public bool NotifyStopping(string? status = null) => Notify(WithStatus("STOPPING=1", status));

    /// <summary>Resets the manager's watchdog timer (WATCHDOG=1).</summary>
    /// <returns>Whether the datagram was sent.</returns>
    public bool NotifyWatchdog() => Notify("WATCHDOG=1");

    /// <summary>Sets the status line that <c>systemctl status</c> shows (STATUS=).</summary>
    /// <param name="status">
    /// Free text; line breaks become spaces (they would start a new assignment), and text
    /// beyond <see cref="MaxStatusLength"/> characters is cut.
    /// </param>
    /// <returns>Whether the datagram was sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="status"/> is null.</exception>
    public bool NotifyStatus(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return Notify(StatusAssignment(status));
    }

    /// <summary>Sends newline-separated assignments as they are, in one datagram.</summary>
    /// <param name="assignments">For example <c>"READY=1\nSTATUS=Serving"</c>.</param>
    /// <returns>
    /// Whether the datagram was sent; false when inactive or when the send failed (logged).
    /// </returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="assignments"/> is empty, contains a NUL character, or exceeds
    /// <see cref="MaxMessageBytes"/> bytes in UTF-8.
    /// </exception>
    public bool Notify(string assignments)
    {
        ArgumentException.ThrowIfNullOrEmpty(assignments);
        if (assignments.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A notification cannot contain a NUL character.", nameof(assignments));
        }

        int length = Encoding.UTF8.GetByteCount(assignments);
        if (length > MaxMessageBytes)
        {
            throw new ArgumentException(
                $"A notification is at most {MaxMessageBytes} bytes, not {length}.", nameof(assignments));
        }

        if (_endPoint is null)
        {
            return false;
        }

        return Send(Encoding.UTF8.GetBytes(assignments), assignments);
    }

    internal static string StatusAssignment(string status)
    {
        string text = status.Length > MaxStatusLength ? status[..MaxStatusLength] : status;
        text = text.Replace('\r', ' ').Replace('\n', ' ').Replace('\0', ' ');
        return "STATUS=" + text;
    }

    private static string WithStatus(string assignment, string? status) =>
        status is null ? assignment : assignment + "\n" + StatusAssignment(status);

    private static UnixDomainSocketEndPoint? ParseAddress(string address, out string? problem)
    {
        problem = null;
        string path;
        if (address[0] == '@')
        {
            if (address.Length == 1)
            {
                problem = "an abstract address needs a name after '@'";
                return null;
            }

            path = "\0" + address[1..];
        }
        else if (address[0] == '/')
        {
            path = address;
        }
        else
        {
            // Limitation: systemd 254 added vsock: addresses for virtual machines; the
            // appliance runs on the host's manager, so only AF_UNIX addresses are handled.
            problem = "the address is neither an absolute path nor an abstract '@' name";
            return null;
        }

        try
        {
            return new UnixDomainSocketEndPoint(path);
        }
        catch (ArgumentException)
        {
            problem = "the address is too long for a unix socket";
            return null;
        }
        catch (PlatformNotSupportedException)
        {
            problem = "unix domain sockets are not supported on this platform";
            return null;
        }
    }

    private bool Send(byte[] datagram, string assignments)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

            // A manager that has stopped reading must not stall the caller for long.
            socket.SendTimeout = (int)SendTimeout.TotalMilliseconds;
            int sent = socket.SendTo(datagram, SocketFlags.None, _endPoint!);
            if (sent != datagram.Length)
            {
                HostingLog.NotifyFailed(_logger, Describe(assignments), null);
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException
            or PlatformNotSupportedException or IOException)
        {
            HostingLog.NotifyFailed(_logger, Describe(assignments), ex);
            return false;
        }
    }

    // Logs name the variables sent, never a STATUS text.
    private static string Describe(string assignments)
    {
        var names = assignments.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.StartsWith("STATUS=", StringComparison.Ordinal) ? "STATUS=..." : a);
        return string.Join(", ", names);
    }
}
