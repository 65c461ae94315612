using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace SecureFed.Enclave.Tests.Hosting;

/// <summary>
/// Plays the service manager's side of sd_notify: a unix datagram socket bound to a fresh
/// path (or abstract name) that collects every datagram it receives.
/// </summary>
internal sealed class NotifySocketListener : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly string? _directory;

    private NotifySocketListener(Socket socket, string address, string? directory)
    {
        _socket = socket;
        Address = address;
        _directory = directory;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Address { get; }

    public ConcurrentQueue<string> Messages { get; } = new();

    public static NotifySocketListener BindPath()
    {
        string directory = Directory.CreateTempSubdirectory("securefed-notify-").FullName;
        string path = Path.Combine(directory, "notify");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return new NotifySocketListener(socket, path, directory);
    }

    public static NotifySocketListener BindAbstract()
    {
        string name = "securefed-notify-test-" + Guid.NewGuid().ToString("N");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        return new NotifySocketListener(socket, "@" + name, null);
    }

    public Func<string, string?> Environment(params (string Name, string Value)[] extra)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NOTIFY_SOCKET"] = Address,
        };
        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        return name => variables.TryGetValue(name, out string? value) ? value : null;
    }

    public int Count(string message) => Messages.Count(m => m == message);

    /// <summary>Waits until a datagram equal to <paramref name="message"/> has arrived.</summary>
    public async Task<bool> WaitForAsync(string message, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.Contains(message))
            {
                return true;
            }

            await Task.Delay(10);
        }

        return Messages.Contains(message);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[8192];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                Messages.Enqueue(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _receiving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _socket.Dispose();
        _stop.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
