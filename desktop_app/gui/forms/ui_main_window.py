# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'main_window.ui'
##
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QAction, QBrush, QColor, QConicalGradient,
    QCursor, QFont, QFontDatabase, QGradient,
    QIcon, QImage, QKeySequence, QLinearGradient,
    QPainter, QPalette, QPixmap, QRadialGradient,
    QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QFrame, QHBoxLayout,
    QLabel, QListWidget, QListWidgetItem, QMainWindow,
    QMenu, QMenuBar, QPushButton, QSizePolicy,
    QSpacerItem, QStackedWidget, QStatusBar, QVBoxLayout,
    QWidget)

class Ui_MainWindow(object):
    def setupUi(self, MainWindow):
        if not MainWindow.objectName():
            MainWindow.setObjectName(u"MainWindow")
        MainWindow.resize(1200, 800)
        self.actionNewWorkspace = QAction(MainWindow)
        self.actionNewWorkspace.setObjectName(u"actionNewWorkspace")
        self.actionOpen = QAction(MainWindow)
        self.actionOpen.setObjectName(u"actionOpen")
        self.actionQuit = QAction(MainWindow)
        self.actionQuit.setObjectName(u"actionQuit")
        self.actionUpdateCatalog = QAction(MainWindow)
        self.actionUpdateCatalog.setObjectName(u"actionUpdateCatalog")
        self.actionAbout = QAction(MainWindow)
        self.actionAbout.setObjectName(u"actionAbout")
        self.centralwidget = QWidget(MainWindow)
        self.centralwidget.setObjectName(u"centralwidget")
        self.centralLayout = QVBoxLayout(self.centralwidget)
        self.centralLayout.setSpacing(0)
        self.centralLayout.setObjectName(u"centralLayout")
        self.centralLayout.setContentsMargins(0, 0, 0, 0)
        self.header = QFrame(self.centralwidget)
        self.header.setObjectName(u"header")
        self.headerLayout = QHBoxLayout(self.header)
        self.headerLayout.setObjectName(u"headerLayout")
        self.headerLayout.setContentsMargins(20, 12, 20, 12)
        self.titleLayout = QVBoxLayout()
        self.titleLayout.setSpacing(2)
        self.titleLayout.setObjectName(u"titleLayout")
        self.practiceName = QLabel(self.header)
        self.practiceName.setObjectName(u"practiceName")

        self.titleLayout.addWidget(self.practiceName)

        self.practiceDetails = QLabel(self.header)
        self.practiceDetails.setObjectName(u"practiceDetails")

        self.titleLayout.addWidget(self.practiceDetails)


        self.headerLayout.addLayout(self.titleLayout)

        self.headerSpacer = QSpacerItem(40, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.yearLabel = QLabel(self.header)
        self.yearLabel.setObjectName(u"yearLabel")

        self.headerLayout.addWidget(self.yearLabel)

        self.yearCombo = QComboBox(self.header)
        self.yearCombo.setObjectName(u"yearCombo")
        self.yearCombo.setMinimumSize(QSize(90, 0))

        self.headerLayout.addWidget(self.yearCombo)


        self.centralLayout.addWidget(self.header)

        self.banner = QFrame(self.centralwidget)
        self.banner.setObjectName(u"banner")
        self.bannerLayout = QHBoxLayout(self.banner)
        self.bannerLayout.setObjectName(u"bannerLayout")
        self.bannerLayout.setContentsMargins(20, 10, 20, 10)
        self.bannerText = QLabel(self.banner)
        self.bannerText.setObjectName(u"bannerText")
        self.bannerText.setWordWrap(True)
        self.bannerText.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.bannerLayout.addWidget(self.bannerText)

        self.bannerButton = QPushButton(self.banner)
        self.bannerButton.setObjectName(u"bannerButton")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.bannerButton.sizePolicy().hasHeightForWidth())
        self.bannerButton.setSizePolicy(sizePolicy)

        self.bannerLayout.addWidget(self.bannerButton)

        self.bannerLayout.setStretch(0, 1)

        self.centralLayout.addWidget(self.banner)

        self.bodyLayout = QHBoxLayout()
        self.bodyLayout.setSpacing(0)
        self.bodyLayout.setObjectName(u"bodyLayout")
        self.nav = QListWidget(self.centralwidget)
        self.nav.setObjectName(u"nav")
        self.nav.setMinimumSize(QSize(250, 0))
        self.nav.setMaximumSize(QSize(250, 16777215))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.bodyLayout.addWidget(self.nav)

        self.pages = QStackedWidget(self.centralwidget)
        self.pages.setObjectName(u"pages")

        self.bodyLayout.addWidget(self.pages)


        self.centralLayout.addLayout(self.bodyLayout)

        MainWindow.setCentralWidget(self.centralwidget)
        self.menubar = QMenuBar(MainWindow)
        self.menubar.setObjectName(u"menubar")
        self.menuFile = QMenu(self.menubar)
        self.menuFile.setObjectName(u"menuFile")
        self.menuRecent = QMenu(self.menuFile)
        self.menuRecent.setObjectName(u"menuRecent")
        self.menuEdit = QMenu(self.menubar)
        self.menuEdit.setObjectName(u"menuEdit")
        self.menuCatalog = QMenu(self.menubar)
        self.menuCatalog.setObjectName(u"menuCatalog")
        self.menuHelp = QMenu(self.menubar)
        self.menuHelp.setObjectName(u"menuHelp")
        MainWindow.setMenuBar(self.menubar)
        self.statusbar = QStatusBar(MainWindow)
        self.statusbar.setObjectName(u"statusbar")
        MainWindow.setStatusBar(self.statusbar)
#if QT_CONFIG(shortcut)
        self.yearLabel.setBuddy(self.yearCombo)
#endif // QT_CONFIG(shortcut)

        self.menubar.addAction(self.menuFile.menuAction())
        self.menubar.addAction(self.menuEdit.menuAction())
        self.menubar.addAction(self.menuCatalog.menuAction())
        self.menubar.addAction(self.menuHelp.menuAction())
        self.menuFile.addAction(self.actionNewWorkspace)
        self.menuFile.addAction(self.actionOpen)
        self.menuFile.addAction(self.menuRecent.menuAction())
        self.menuFile.addSeparator()
        self.menuFile.addAction(self.actionQuit)
        self.menuCatalog.addAction(self.actionUpdateCatalog)
        self.menuHelp.addAction(self.actionAbout)

        self.retranslateUi(MainWindow)

        QMetaObject.connectSlotsByName(MainWindow)
    # setupUi

    def retranslateUi(self, MainWindow):
        MainWindow.setWindowTitle(QCoreApplication.translate("MainWindow", u"MIPS Desk", None))
        self.actionNewWorkspace.setText(QCoreApplication.translate("MainWindow", u"&New workspace\u2026", None))
#if QT_CONFIG(shortcut)
        self.actionNewWorkspace.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+N", None))
#endif // QT_CONFIG(shortcut)
        self.actionOpen.setText(QCoreApplication.translate("MainWindow", u"&Open\u2026", None))
#if QT_CONFIG(shortcut)
        self.actionOpen.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+O", None))
#endif // QT_CONFIG(shortcut)
        self.actionQuit.setText(QCoreApplication.translate("MainWindow", u"&Quit", None))
#if QT_CONFIG(shortcut)
        self.actionQuit.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+Q", None))
#endif // QT_CONFIG(shortcut)
        self.actionUpdateCatalog.setText(QCoreApplication.translate("MainWindow", u"&Update measures data\u2026", None))
        self.actionAbout.setText(QCoreApplication.translate("MainWindow", u"&About MIPS Desk", None))
        self.practiceName.setText(QCoreApplication.translate("MainWindow", u"No practice yet", None))
        self.practiceDetails.setText("")
        self.yearLabel.setText(QCoreApplication.translate("MainWindow", u"Performance &year", None))
#if QT_CONFIG(tooltip)
        self.yearCombo.setToolTip(QCoreApplication.translate("MainWindow", u"The performance year you are reporting for", None))
#endif // QT_CONFIG(tooltip)
        self.bannerText.setText("")
        self.bannerButton.setText(QCoreApplication.translate("MainWindow", u"&Update measures data\u2026", None))
#if QT_CONFIG(accessibility)
        self.nav.setAccessibleName(QCoreApplication.translate("MainWindow", u"Reporting steps", None))
#endif // QT_CONFIG(accessibility)
        self.menuFile.setTitle(QCoreApplication.translate("MainWindow", u"&File", None))
        self.menuRecent.setTitle(QCoreApplication.translate("MainWindow", u"Open &recent", None))
        self.menuEdit.setTitle(QCoreApplication.translate("MainWindow", u"&Edit", None))
        self.menuCatalog.setTitle(QCoreApplication.translate("MainWindow", u"&Catalog", None))
        self.menuHelp.setTitle(QCoreApplication.translate("MainWindow", u"&Help", None))
    # retranslateUi

