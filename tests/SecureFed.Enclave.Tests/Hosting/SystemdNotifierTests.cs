using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SecureFed.Enclave.Hosting;

namespace SecureFed.Enclave.Tests.Hosting;

public sealed class SystemdNotifierTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static SystemdNotifier Create(Func<string, string?> environment, ListLoggerProvider logs) =>
        new(environment, logs.CreateLogger<SystemdNotifier>());

    [Fact]
    public async Task NotifyReady_PathSocket_DeliversReadyWithStatus()
    {
        using var listener = NotifySocketListener.BindPath();
        var notifier = Create(listener.Environment(), new ListLoggerProvider());

        Assert.True(notifier.IsActive);
        Assert.True(notifier.NotifyReady("Serving"));

        Assert.True(await listener.WaitForAsync("READY=1\nSTATUS=Serving", Wait));
    }

    [Fact]
    public async Task NotifyWatchdog_PathSocket_DeliversWatchdog()
    {
        using var listener = NotifySocketListener.BindPath();
        var notifier = Create(listener.Environment(), new ListLoggerProvider());

        Assert.True(notifier.NotifyWatchdog());

        Assert.True(await listener.WaitForAsync("WATCHDOG=1", Wait));
    }

    [Fact]
    public async Task NotifyStopping_AbstractSocket_DeliversStopping()
    {
        using var listener = NotifySocketListener.BindAbstract();
        var notifier = Create(listener.Environment(), new ListLoggerProvider());

        Assert.StartsWith("@", listener.Address, StringComparison.Ordinal);
        Assert.True(notifier.NotifyStopping());
        Assert.True(notifier.NotifyWatchdog());

        Assert.True(await listener.WaitForAsync("STOPPING=1", Wait));
        Assert.True(await listener.WaitForAsync("WATCHDOG=1", Wait));
    }

    [Fact]
    public async Task NotifyStatus_LineBreaks_BecomeSpacesSoNoAssignmentIsInjected()
    {
        using var listener = NotifySocketListener.BindPath();
        var notifier = Create(listener.Environment(), new ListLoggerProvider());

        Assert.True(notifier.NotifyStatus("round 7\nREADY=1\r\nopen"));

        Assert.True(await listener.WaitForAsync("STATUS=round 7 READY=1  open", Wait));
    }

    [Fact]
    public async Task NotifyStatus_LongText_IsCutToMaxStatusLength()
    {
        using var listener = NotifySocketListener.BindPath();
        var notifier = Create(listener.Environment(), new ListLoggerProvider());

        Assert.True(notifier.NotifyStatus(new string('x', 5000)));

        Assert.True(await listener.WaitForAsync("STATUS=" + new string('x', SystemdNotifier.MaxStatusLength), Wait));
    }

    [Fact]
    public async Task Notify_SeveralAssignments_ArriveAsOneDatagram()
    {
        using var listener = NotifySocketListener.BindPath();
        var notifier = Create(listener.Environment(), new ListLoggerProvider());

        Assert.True(notifier.Notify("READY=1\nSTATUS=a\nWATCHDOG=1"));

        Assert.True(await listener.WaitForAsync("READY=1\nSTATUS=a\nWATCHDOG=1", Wait));
        Assert.Single(listener.Messages);
    }

    [Fact]
    public void Notify_NoNotifySocket_IsInactiveAndSendsNothing()
    {
        var logs = new ListLoggerProvider();
        var notifier = Create(_ => null, logs);

        Assert.False(notifier.IsActive);
        Assert.False(notifier.NotifyReady("Serving"));
        Assert.False(notifier.NotifyWatchdog());
        Assert.False(notifier.NotifyStatus("x"));
        Assert.Empty(logs.Entries);
    }

    [Fact]
    public void Notify_EmptyNotifySocket_IsInactive()
    {
        var notifier = Create(_ => "", new ListLoggerProvider());

        Assert.False(notifier.IsActive);
        Assert.False(notifier.NotifyReady());
    }

    [Theory]
    [InlineData("relative/notify")]
    [InlineData("vsock:2:1234")]
    [InlineData("@")]
    public void Constructor_UnusableAddress_IsInactiveAndWarns(string address)
    {
        var logs = new ListLoggerProvider();
        var notifier = Create(name => name == "NOTIFY_SOCKET" ? address : null, logs);

        Assert.False(notifier.IsActive);
        Assert.False(notifier.NotifyReady());
        Assert.True(logs.Has(LogLevel.Warning, "NotifySocketUnusable"));
    }

    [Fact]
    public void Constructor_PathTooLong_IsInactiveAndWarns()
    {
        var logs = new ListLoggerProvider();
        string path = "/" + new string('a', 200);
        var notifier = Create(name => name == "NOTIFY_SOCKET" ? path : null, logs);

        Assert.False(notifier.IsActive);
        Assert.True(logs.Has(LogLevel.Warning, "NotifySocketUnusable"));
    }

    [Fact]
    public void Notify_NobodyListening_ReturnsFalseAndWarnsWithoutStatusText()
    {
        var logs = new ListLoggerProvider();
        string path = Path.Combine(Path.GetTempPath(), "securefed-absent-" + Guid.NewGuid().ToString("N"));
        var notifier = Create(name => name == "NOTIFY_SOCKET" ? path : null, logs);

        Assert.True(notifier.IsActive);
        Assert.False(notifier.NotifyReady("secret-ish status"));

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal("NotifyFailed", warning.Id.Name);
        Assert.Contains("READY=1", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-ish", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Notify_ListenerIsAStreamSocket_ReturnsFalseWithoutThrowing()
    {
        string directory = Directory.CreateTempSubdirectory("securefed-notify-").FullName;
        try
        {
            string path = Path.Combine(directory, "stream");
            using var stream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            stream.Bind(new UnixDomainSocketEndPoint(path));
            var logs = new ListLoggerProvider();
            var notifier = Create(name => name == "NOTIFY_SOCKET" ? path : null, logs);

            Assert.False(notifier.NotifyWatchdog());
            Assert.True(logs.Has(LogLevel.Warning, "NotifyFailed"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Notify_Oversized_ThrowsArgumentException()
    {
        var notifier = Create(_ => null, new ListLoggerProvider());

        var ex = Assert.Throws<ArgumentException>(
            () => notifier.Notify("STATUS=" + new string('x', SystemdNotifier.MaxMessageBytes)));
        Assert.Contains("4096", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("READY=1\0")]
    public void Notify_EmptyOrNul_ThrowsArgumentException(string assignments)
    {
        var notifier = Create(_ => null, new ListLoggerProvider());

        Assert.Throws<ArgumentException>(() => notifier.Notify(assignments));
    }
}
