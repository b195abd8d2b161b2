#pragma once
// qcustomplot.h is written with Qt's `signals` and `foreach` keywords, which this project turns off
// (QT_NO_KEYWORDS, because of torch). Map them to the macro spellings for this one header.
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef foreach
