// The C boundary of CodedComputingMPI: Open MPI's mpi.h (pkg-config ompi-c). MPI_COMM_WORLD,
// MPI_DOUBLE, MPI_REQUEST_NULL, MPI_STATUS(ES)_IGNORE and friends are macros over addresses of
// global objects, which Swift cannot import; the shim exposes them as static inline functions.
// Only Sources/CodedComputingMPI imports this module.
#ifndef CODEDCOMPUTING_CMPI_SHIM_H
#define CODEDCOMPUTING_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype cmpi_char(void) { return MPI_CHAR; }
static inline MPI_Datatype cmpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Request cmpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *cmpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *cmpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
static inline MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Message cmpi_message_null(void) { return MPI_MESSAGE_NULL; }
static inline int cmpi_any_source(void) { return MPI_ANY_SOURCE; }
static inline int cmpi_any_tag(void) { return MPI_ANY_TAG; }
static inline int cmpi_undefined(void) { return MPI_UNDEFINED; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }
static inline int cmpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int cmpi_max_processor_name(void) { return MPI_MAX_PROCESSOR_NAME; }
#endif
