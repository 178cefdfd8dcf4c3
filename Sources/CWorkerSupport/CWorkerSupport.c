#include "CWorkerSupport.h"
