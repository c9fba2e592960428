package dev.fusebench.sys;

/** Linux errno values (x86_64 and every other Linux ABI share these). */
public final class Errno {
    private Errno() {}
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, EBADF = 9,
            EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18,
            ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, EFBIG = 27,
            ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38,
            ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EPROTO = 71, EOVERFLOW = 75, EOPNOTSUPP = 95,
            ECONNABORTED = 103, ENOTCONN = 107, ECONNREFUSED = 111, ESTALE = 116, ECANCELED = 125;

    /** The symbolic name, e.g. "ENOSPC", or "errno N" for one not listed here. */
    public static String name(int e) {
        return switch (e) {
            case EPERM -> "EPERM"; case ENOENT -> "ENOENT"; case EINTR -> "EINTR"; case EIO -> "EIO";
            case ENXIO -> "ENXIO"; case E2BIG -> "E2BIG"; case EBADF -> "EBADF"; case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM"; case EACCES -> "EACCES"; case EFAULT -> "EFAULT"; case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST"; case EXDEV -> "EXDEV"; case ENODEV -> "ENODEV"; case ENOTDIR -> "ENOTDIR";
            case EISDIR -> "EISDIR"; case EINVAL -> "EINVAL"; case ENFILE -> "ENFILE"; case EMFILE -> "EMFILE";
            case EFBIG -> "EFBIG"; case ENOSPC -> "ENOSPC"; case ESPIPE -> "ESPIPE"; case EROFS -> "EROFS";
            case EMLINK -> "EMLINK"; case ERANGE -> "ERANGE"; case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS"; case ENOTEMPTY -> "ENOTEMPTY"; case ELOOP -> "ELOOP"; case ENODATA -> "ENODATA";
            case EPROTO -> "EPROTO"; case EOVERFLOW -> "EOVERFLOW"; case EOPNOTSUPP -> "EOPNOTSUPP";
            case ESTALE -> "ESTALE"; case ECONNREFUSED -> "ECONNREFUSED"; case 122 -> "EDQUOT"; case 110 -> "ETIMEDOUT"; case 107 -> "ENOTCONN";
            default -> "errno " + e;
        };
    }
}
