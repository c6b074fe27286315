using System;
using System.Globalization;
using System.IO;

namespace MigrationFormat.Tool.IO;

/// <summary>
/// A progress line on standard error for work that takes more than a second: drawn only when standard error is a
/// terminal, at most ten times a second, and erased when the work ends, so that redirected output never sees it.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private const int Width = 30;
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _error;
    private readonly bool _enabled;
    private readonly long? _total;
    private readonly string _label;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _lastDrawn;
    private int _drawnLength;

    /// <summary>Creates a progress line.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="enabled">Whether standard error is a terminal.</param>
    /// <param name="total">The bytes the work will read, when known (a file); <see langword="null"/> for a pipe.</param>
    /// <param name="label">What is being done, e.g. <c>dump vm.mig</c>.</param>
    /// <param name="time">The clock.</param>
    public ProgressBar(TextWriter error, bool enabled, long? total, string label, TimeProvider? time = null)
    {
        _error = error;
        _enabled = enabled;
        _total = total is > 0 ? total : null;
        _label = label;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        _lastDrawn = long.MinValue;
    }

    /// <summary>Gets a value indicating whether a line is on the screen.</summary>
    public bool IsShown => _drawnLength > 0;

    /// <summary>Says how many bytes are done; draws when the work has taken over a second and the last drawing is old enough.</summary>
    /// <param name="done">Bytes done.</param>
    public void Report(long done)
    {
        if (!_enabled)
        {
            return;
        }

        long now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_started, now) < Delay || (_lastDrawn != long.MinValue && _time.GetElapsedTime(_lastDrawn, now) < Interval))
        {
            return;
        }

        _lastDrawn = now;
        string line = Render(done);
        _error.Write("\r" + line.PadRight(_drawnLength));
        _error.Flush();
        _drawnLength = line.Length;
    }

    /// <summary>Erases the line, if one was drawn.</summary>
    public void Dispose()
    {
        if (_drawnLength > 0)
        {
            _error.Write("\r" + new string(' ', _drawnLength) + "\r");
            _error.Flush();
            _drawnLength = 0;
        }
    }

    private string Render(long done)
    {
        string amount = Mebibytes(done);
        if (_total is not long total)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{_label}: {amount} read");
        }

        double fraction = Math.Clamp((double)done / total, 0, 1);
        int filled = (int)(fraction * Width);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}% {amount} of {Mebibytes(total)}");
    }

    private static string Mebibytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MiB");
}
