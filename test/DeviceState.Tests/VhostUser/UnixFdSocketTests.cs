using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using MigrationFormat.DeviceState.Linux;
using Xunit;

namespace MigrationFormat.DeviceState.Tests.VhostUser;

/// <summary>The SCM_RIGHTS wrapper over a real Unix socket, and pipe2.</summary>
public sealed class UnixFdSocketTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(UnixFdSocket.MaxDescriptors)]
    public void Send_WithDescriptors_PeerReceivesBytesAndWorkingDuplicates(int count)
    {
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        using (left)
        using (right)
        {
            var pipes = new LinuxPipe[count];
            for (int i = 0; i < count; i++)
            {
                pipes[i] = LinuxPipe.Create();
            }

            try
            {
                left.Send([1, 2, 3, 4, 5], pipes.Select(p => (System.Runtime.InteropServices.SafeHandle)p.WriteEnd).ToArray());
                var received = new List<SafeFileHandle>();
                byte[] buffer = new byte[5];
                Assert.True(right.ReceiveExactly(buffer, received));
                Assert.Equal([1, 2, 3, 4, 5], buffer);
                Assert.Equal(count, received.Count);
                for (int i = 0; i < count; i++)
                {
                    // The received descriptor is another handle on the same pipe: what goes in comes out of the original's read end.
                    using (FileStream write = LinuxPipe.OpenStream(received[i], FileAccess.Write))
                    {
                        write.Write([(byte)(10 + i)]);
                    }

                    pipes[i].WriteEnd.Dispose();
                    using FileStream read = LinuxPipe.OpenStream(pipes[i].ReadEnd, FileAccess.Read);
                    Assert.Equal(10 + i, read.ReadByte());
                    Assert.Equal(-1, read.ReadByte());
                }
            }
            finally
            {
                foreach (LinuxPipe pipe in pipes)
                {
                    pipe.Dispose();
                }
            }
        }
    }

    [Fact]
    public async Task Send_LargeMessage_ArrivesWhole()
    {
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        using (left)
        using (right)
        {
            byte[] data = new byte[4 << 20];
            new Random(1).NextBytes(data);
            var sender = Task.Run(() => left.Send(data));
            byte[] buffer = new byte[data.Length];
            Assert.True(right.ReceiveExactly(buffer, []));
            await sender;
            Assert.Equal(data, buffer);
        }
    }

    [Fact]
    public void Receive_PeerClosedBetweenMessages_ReturnsFalse()
    {
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        using (right)
        {
            left.Dispose();
            Assert.False(right.ReceiveExactly(new byte[12], []));
        }
    }

    [Fact]
    public void ReceiveExactly_PeerClosedInsideAMessage_ThrowsEndOfStream()
    {
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        using (right)
        {
            left.Send([1, 2, 3]);
            left.Dispose();
            EndOfStreamException error = Assert.Throws<EndOfStreamException>(() => right.ReceiveExactly(new byte[12], []));
            Assert.Contains("after 3 of 12 bytes", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Receive_NothingWithinTheTimeout_ThrowsTimeout()
    {
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        using (left)
        using (right)
        {
            right.ReceiveTimeout = TimeSpan.FromMilliseconds(100);
            Assert.Throws<TimeoutException>(() => right.Receive(new byte[1], []));
        }
    }

    [Fact]
    public void Send_PeerGone_ThrowsIOException()
    {
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        using (left)
        {
            right.Dispose();
            Assert.Throws<IOException>(() =>
            {
                for (int i = 0; i < 100; i++)
                {
                    left.Send(new byte[65536]);
                }
            });
        }
    }

    [Fact]
    public void Send_TooManyDescriptorsOrNoBytes_IsRefused()
    {
        (UnixFdSocket left, UnixFdSocket right) = SocketPair.Create();
        using (left)
        using (right)
        using (LinuxPipe pipe = LinuxPipe.Create())
        {
            var nine = Enumerable.Repeat((System.Runtime.InteropServices.SafeHandle)pipe.ReadEnd, 9).ToArray();
            Assert.Throws<ArgumentException>(() => left.Send([1], nine));
            Assert.Throws<ArgumentException>(() => left.Send([], [pipe.ReadEnd]));
        }
    }

    [Fact]
    public void Pipe_BytesWrittenAtOneEnd_ComeOutOfTheOther()
    {
        using LinuxPipe pipe = LinuxPipe.Create(1 << 20);
        using FileStream write = LinuxPipe.OpenStream(pipe.WriteEnd, FileAccess.Write);
        using FileStream read = LinuxPipe.OpenStream(pipe.ReadEnd, FileAccess.Read);
        write.Write("pipe"u8);
        write.Dispose();
        using var reader = new StreamReader(read);
        Assert.Equal("pipe", reader.ReadToEnd());
    }
}

internal static class SocketPair
{
    /// <summary>Two connected Unix stream sockets, through a listener on a temporary path.</summary>
    public static (UnixFdSocket Left, UnixFdSocket Right) Create()
    {
        string path = Path.Combine(Path.GetTempPath(), "migfmt-pair-" + Guid.NewGuid().ToString("N") + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            UnixFdSocket left = UnixFdSocket.Connect(path);
            Socket accepted = listener.Accept();
            return (left, new UnixFdSocket(accepted));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
